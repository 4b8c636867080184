//! Dialogs from `dialog` tables: `/dialog -m name table` opens one as a model the GUI draws
//! ([`Client::dialogs`]), `/did` changes its controls, `$did`, `$dialog`, `$dname` and
//! `$devent` read them, and what the user does in it ([`Client::dialog_click`],
//! [`Client::dialog_edit`], [`Client::dialog_select`], [`Client::dialog_close`]) raises
//! `on DIALOG:name:event:id:`.
//!
//! A script's code cannot run while another's runs, so the events `/dialog` causes (`init`
//! when it opens, `close` when `-x` closes it) run as soon as the running script is over,
//! not inside the `/dialog` command as in mIRC.

use super::{Client, EventInfo, ScriptHost};
use crate::events::Phase;
use rustirc_lang::Value;
use rustirc_syntax::ast::Dialog as Table;

/// What a control is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControlKind {
    /// `text`: a label.
    Text,
    /// `edit`: a text box (`multi` for several lines, `read` read-only, `pass` hidden).
    Edit,
    /// `button` (`ok` and `cancel` close the dialog, `default` answers Enter).
    Button,
    /// `check`: a check box.
    Check,
    /// `radio`: a radio button (`group` starts a new group).
    Radio,
    /// `list`: a list box.
    List,
    /// `combo`: a combo box (a list with an edit field with `edit` or `drop`).
    Combo,
    /// `box`: a group box.
    Box,
    /// `tab`: a tab of a tab control (controls with the style `tab N` are on tab N).
    Tab,
    /// `icon`: a picture.
    Icon,
    /// `link`: a link label.
    Link,
}

impl ControlKind {
    fn parse(word: &str) -> Option<ControlKind> {
        Some(match word {
            "text" => ControlKind::Text,
            "edit" => ControlKind::Edit,
            "button" => ControlKind::Button,
            "check" => ControlKind::Check,
            "radio" => ControlKind::Radio,
            "list" => ControlKind::List,
            "combo" => ControlKind::Combo,
            "box" => ControlKind::Box,
            "tab" => ControlKind::Tab,
            "icon" => ControlKind::Icon,
            "link" => ControlKind::Link,
            _ => return None,
        })
    }

    /// The keyword of the table line.
    pub fn word(&self) -> &'static str {
        match self {
            ControlKind::Text => "text",
            ControlKind::Edit => "edit",
            ControlKind::Button => "button",
            ControlKind::Check => "check",
            ControlKind::Radio => "radio",
            ControlKind::List => "list",
            ControlKind::Combo => "combo",
            ControlKind::Box => "box",
            ControlKind::Tab => "tab",
            ControlKind::Icon => "icon",
            ControlKind::Link => "link",
        }
    }

    fn has_items(&self) -> bool {
        matches!(self, ControlKind::List | ControlKind::Combo)
    }
}

/// One control of an open dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// Its id (`$did`).
    pub id: u32,
    /// What it is.
    pub kind: ControlKind,
    /// `x y w h` in the table's units: pixels, or dialog units with `option dbu` (as in
    /// mIRC).
    pub rect: (i64, i64, i64, i64),
    /// Its text (a label, a button's caption, an edit box's content; lines joined by
    /// CR LF in a `multi` edit box).
    pub text: String,
    /// A list's or combo box's lines.
    pub items: Vec<String>,
    /// The selected lines (0-based).
    pub selected: Vec<usize>,
    /// A check box's or radio button's state: 0 off, 1 on, 2 indeterminate.
    pub state: u8,
    /// Whether it can be used (`/did -b` disables, `-e` enables).
    pub enabled: bool,
    /// Whether it is shown (`/did -h` hides, `-v` shows).
    pub visible: bool,
    /// An edit box that cannot be changed (`read` style, `/did -m`; `-n` allows it again).
    pub read_only: bool,
    /// The styles as written (`ok`, `default`, `multi`, `autohs`, `group` …), lower-case.
    pub styles: Vec<String>,
    /// The tab it is on (`tab N` style).
    pub tab: Option<u32>,
}

impl Control {
    fn has_style(&self, s: &str) -> bool {
        self.styles.iter().any(|x| x == s)
    }

    /// Lines of the control: a list's items, an edit box's lines.
    fn lines(&self) -> Vec<String> {
        if self.kind.has_items() {
            self.items.clone()
        } else if self.text.is_empty() {
            Vec::new()
        } else {
            self.text.split("\r\n").map(str::to_string).collect()
        }
    }
}

/// An open dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogModel {
    /// The name it was opened as (`$dname`).
    pub name: String,
    /// The table it was made from.
    pub table: String,
    /// Its title.
    pub title: String,
    /// `size x y w h` (`-1` lets the GUI choose).
    pub rect: (i64, i64, i64, i64),
    /// `option` words (`dbu`, `pixels`, `notheme` …).
    pub options: Vec<String>,
    /// Its controls, in table order.
    pub controls: Vec<Control>,
}

impl DialogModel {
    /// The control with `id`.
    pub fn control(&self, id: u32) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    fn control_mut(&mut self, id: u32) -> Option<&mut Control> {
        self.controls.iter_mut().find(|c| c.id == id)
    }
}

/// Splits a table line's fields at commas outside quotes.
fn fields(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in rest.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    t.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t)
        .to_string()
}

fn rect_of(s: &str) -> Option<(i64, i64, i64, i64)> {
    let n: Vec<i64> = s
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match n[..] {
        [x, y, w, h] => Some((x, y, w, h)),
        _ => None,
    }
}

/// Builds the model of `table` opened as `name`; errors name the table and the line.
pub(super) fn build(name: &str, table: &Table) -> Result<DialogModel, String> {
    let mut d = DialogModel {
        name: name.to_string(),
        table: table.name.clone(),
        title: String::new(),
        rect: (-1, -1, -1, -1),
        options: Vec::new(),
        controls: Vec::new(),
    };
    for (kw, rest) in &table.lines {
        let bad = |what: &str| format!("dialog {}: {kw} {rest}: {what}", table.name);
        match kw.as_str() {
            "title" => d.title = unquote(rest),
            "size" => d.rect = rect_of(rest).ok_or_else(|| bad("size is x y w h"))?,
            "option" => {
                d.options = rest
                    .split_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect()
            }
            "icon"
                if rest.split(',').count() <= 2
                    && rect_of(&fields(rest)[0]).is_none()
                    && fields(rest)[0].parse::<u32>().is_err() =>
            {
                // `icon file, index`: the dialog's own icon.
            }
            word => {
                let Some(kind) = ControlKind::parse(word) else {
                    return Err(bad("not a control (text, edit, button, check, radio, list, combo, box, tab, icon, link)"));
                };
                let f = fields(rest);
                // Controls with a text put it first; lists, combos and icons start with the id.
                let with_text = !matches!(
                    kind,
                    ControlKind::List | ControlKind::Combo | ControlKind::Icon
                );
                let (text, f) = if with_text {
                    (unquote(&f[0]), &f[1..])
                } else {
                    (String::new(), &f[..])
                };
                let id = f
                    .first()
                    .and_then(|i| i.trim().parse::<u32>().ok())
                    .ok_or_else(|| bad("the id is missing or not a number"))?;
                let rect = match f.get(1) {
                    Some(r) => rect_of(r).ok_or_else(|| bad("the position is x y w h"))?,
                    None if kind == ControlKind::Tab => (0, 0, 0, 0),
                    None => return Err(bad("the position (x y w h) is missing")),
                };
                let styles: Vec<String> = f
                    .get(2..)
                    .unwrap_or(&[])
                    .iter()
                    .flat_map(|s| s.split_whitespace())
                    .map(str::to_ascii_lowercase)
                    .collect();
                let tab = styles
                    .iter()
                    .position(|s| s == "tab")
                    .and_then(|i| styles.get(i + 1))
                    .and_then(|n| n.parse().ok());
                if d.controls.iter().any(|c| c.id == id) {
                    return Err(bad(&format!("id {id} is used twice")));
                }
                d.controls.push(Control {
                    id,
                    kind,
                    rect,
                    text,
                    items: Vec::new(),
                    selected: Vec::new(),
                    state: 0,
                    enabled: !styles.iter().any(|s| s == "disable"),
                    visible: !styles.iter().any(|s| s == "hide"),
                    read_only: styles.iter().any(|s| s == "read"),
                    styles,
                    tab,
                });
            }
        }
    }
    Ok(d)
}

impl super::Extras {
    /// The open dialog `name` (any case).
    pub fn dialog(&self, name: &str) -> Option<&DialogModel> {
        self.dialogs
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    fn dialog_mut(&mut self, name: &str) -> Option<&mut DialogModel> {
        self.dialogs
            .iter_mut()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }
}

impl Client {
    /// The open dialogs, in the order they were opened: what the GUI draws.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.load_script("d.mrc", b"dialog hello {\n  title \"Hi\"\n  size -1 -1 100 50\n  button \"OK\", 1, 10 10 40 12, ok\n}\n");
    /// client.run_command("/dialog -m hello hello");
    /// let d = &client.dialogs()[0];
    /// assert_eq!((d.title.as_str(), d.controls[0].text.as_str()), ("Hi", "OK"));
    /// // The user clicks OK: `on DIALOG:hello:sclick:1:` runs, and the dialog closes.
    /// client.dialog_click("hello", 1).unwrap();
    /// assert!(client.dialogs().is_empty());
    /// ```
    pub fn dialogs(&self) -> &[DialogModel] {
        &self.extras.dialogs
    }

    /// Copies the loaded dialog tables where `/dialog` finds them while a script runs.
    pub(super) fn sync_dialog_tables(&mut self) {
        let loaded: Vec<u32> = self.scripts.iter().map(|(s, _)| *s).collect();
        self.extras.dialog_tables = self
            .msl
            .engine
            .dialogs
            .iter()
            .filter(|(s, _)| u32::try_from(*s).is_ok_and(|s| loaded.contains(&s)))
            .map(|(_, t)| t.clone())
            .collect();
    }

    /// Runs `on DIALOG:name:event:id:`.
    pub(super) fn dialog_event(&mut self, name: &str, event: &str, id: u32) {
        let info = EventInfo {
            name: "DIALOG".to_string(),
            key: Some(format!("{name}:{event}:{id}")),
            ..EventInfo::default()
        };
        self.run_phase(&info, Phase::Normal, false);
        self.deliver_signals();
    }

    fn control_of(&self, name: &str, id: u32) -> Result<&Control, String> {
        let d = self
            .extras
            .dialog(name)
            .ok_or_else(|| format!("no dialog {name} is open"))?;
        d.control(id)
            .ok_or_else(|| format!("dialog {name} has no control {id}"))
    }

    /// The user clicked control `id` of dialog `name`: a check box toggles, a radio button
    /// is set (and the others of its group cleared), then `sclick` runs; an `ok` or
    /// `cancel` button then closes the dialog (`close` runs).
    ///
    /// # Errors
    /// When there is no such dialog or control, or the control is disabled.
    pub fn dialog_click(&mut self, name: &str, id: u32) -> Result<(), String> {
        let c = self.control_of(name, id)?;
        if !c.enabled {
            return Err(format!("control {id} of dialog {name} is disabled"));
        }
        let closes = c.kind == ControlKind::Button && (c.has_style("ok") || c.has_style("cancel"));
        let dname = self
            .extras
            .dialog(name)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        if let Some(d) = self.extras.dialog_mut(name) {
            let kind = d.control(id).map(|c| c.kind.clone());
            match kind {
                Some(ControlKind::Check) => {
                    if let Some(c) = d.control_mut(id) {
                        c.state = u8::from(c.state == 0);
                    }
                }
                Some(ControlKind::Radio) => {
                    let at = d.controls.iter().position(|c| c.id == id).unwrap_or(0);
                    let radios: Vec<usize> = (0..d.controls.len())
                        .filter(|i| d.controls[*i].kind == ControlKind::Radio)
                        .collect();
                    // The group: from the last radio with `group` at or before it to the
                    // next one with `group`.
                    let start = radios
                        .iter()
                        .copied()
                        .filter(|i| *i <= at && d.controls[*i].has_style("group"))
                        .max()
                        .unwrap_or(0);
                    let end = radios
                        .iter()
                        .copied()
                        .find(|i| *i > at && d.controls[*i].has_style("group"))
                        .unwrap_or(d.controls.len());
                    for i in radios.into_iter().filter(|i| (start..end).contains(i)) {
                        d.controls[i].state = u8::from(i == at);
                    }
                }
                _ => {}
            }
        }
        self.dialog_event(&dname, "sclick", id);
        if closes && self.extras.dialog(&dname).is_some() {
            self.dialog_close(&dname)?;
        }
        Ok(())
    }

    /// The user double-clicked control `id` (a list's line): `dclick` runs.
    ///
    /// # Errors
    /// When there is no such dialog or control.
    pub fn dialog_dclick(&mut self, name: &str, id: u32) -> Result<(), String> {
        self.control_of(name, id)?;
        let dname = self
            .extras
            .dialog(name)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        self.dialog_event(&dname, "dclick", id);
        Ok(())
    }

    /// The user changed the text of control `id` (an edit box, a combo box's edit field) to
    /// `text`: `edit` runs.
    ///
    /// # Errors
    /// When there is no such dialog or control, or it is read-only or disabled.
    pub fn dialog_edit(&mut self, name: &str, id: u32, text: &str) -> Result<(), String> {
        let c = self.control_of(name, id)?;
        if c.read_only || !c.enabled {
            return Err(format!("control {id} of dialog {name} cannot be edited"));
        }
        let dname = self
            .extras
            .dialog(name)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        if let Some(c) = self.extras.dialog_mut(name).and_then(|d| d.control_mut(id)) {
            c.text = text.to_string();
        }
        self.dialog_event(&dname, "edit", id);
        Ok(())
    }

    /// The user selected line `index` (0-based) of list or combo box `id`: it becomes the
    /// selection (a combo box's text too), and `sclick` runs.
    ///
    /// # Errors
    /// When there is no such dialog, control or line.
    pub fn dialog_select(&mut self, name: &str, id: u32, index: usize) -> Result<(), String> {
        let c = self.control_of(name, id)?;
        if index >= c.items.len() {
            return Err(format!(
                "control {id} of dialog {name} has no line {}",
                index + 1
            ));
        }
        let dname = self
            .extras
            .dialog(name)
            .map(|d| d.name.clone())
            .unwrap_or_default();
        if let Some(c) = self.extras.dialog_mut(name).and_then(|d| d.control_mut(id)) {
            c.selected = vec![index];
            if c.kind == ControlKind::Combo {
                c.text.clone_from(&c.items[index]);
            }
        }
        self.dialog_event(&dname, "sclick", id);
        Ok(())
    }

    /// The user closed dialog `name`: `close` runs (its controls can still be read there),
    /// then it is gone.
    ///
    /// # Errors
    /// When no such dialog is open.
    pub fn dialog_close(&mut self, name: &str) -> Result<(), String> {
        let dname = self
            .extras
            .dialog(name)
            .map(|d| d.name.clone())
            .ok_or_else(|| format!("no dialog {name} is open"))?;
        self.dialog_event(&dname, "close", 0);
        self.extras
            .dialogs
            .retain(|d| !d.name.eq_ignore_ascii_case(&dname));
        Ok(())
    }
}

/// `-switches` then the words after them.
fn split_switches(args: &str) -> (String, &str) {
    let mut rest = args.trim_start();
    let mut sw = String::new();
    while let Some(s) = rest.strip_prefix('-') {
        let (w, r) = s.split_once(' ').unwrap_or((s, ""));
        sw.push_str(w);
        rest = r.trim_start();
    }
    (sw, rest)
}

impl ScriptHost<'_> {
    /// `/dialog` and `/did`; `None` for other commands.
    pub(super) fn dialog_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        match name {
            "dialog" => Some(self.dialog_cmd(args)),
            "did" => Some(self.did(args)),
            _ => None,
        }
    }

    /// `/dialog -m[d] name [table]` opens, `-x name` closes, `-t name title` retitles,
    /// `-s name x y w h` moves, `-v name` brings it to the front.
    fn dialog_cmd(&mut self, args: &str) -> Result<(), String> {
        let (sw, rest) = split_switches(args);
        let (name, more) = rest.split_once(' ').unwrap_or((rest, ""));
        let more = more.trim();
        if name.is_empty() {
            return Err("/dialog: insufficient parameters".to_string());
        }
        if let Some(bad) = sw.chars().find(|c| !"mdxtsvolherbnkpia".contains(*c)) {
            return Err(format!("/dialog: unknown switch -{bad}"));
        }
        let Some(x) = self.extras.get_mut() else {
            return Ok(());
        };
        if sw.contains('m') {
            let table_name = if more.is_empty() { name } else { more };
            if x.dialog(name).is_some() {
                return Err(format!("/dialog: {name} is open already"));
            }
            let table = x
                .dialog_tables
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(table_name))
                .ok_or_else(|| format!("/dialog: no dialog table {table_name} is loaded"))?;
            let model = build(name, table).map_err(|e| format!("/dialog: {e}"))?;
            x.dialogs.push(model);
            self.pending
                .dialog_events
                .push((name.to_string(), "init".to_string(), 0));
            return Ok(());
        }
        let Some(d) = x.dialog_mut(name) else {
            return Err(format!("/dialog: no dialog {name} is open"));
        };
        if sw.contains('t') {
            d.title = more.to_string();
        }
        if sw.contains('s') {
            d.rect = rect_of(more).ok_or("/dialog -s: give x y w h")?;
        }
        if sw.contains('x') {
            let dname = d.name.clone();
            self.pending
                .dialog_events
                .push((dname, "close".to_string(), 0));
        }
        Ok(())
    }

    /// `/did -switches name id[,id…] [N] [text]` (see docs/desktop.md).
    fn did(&mut self, args: &str) -> Result<(), String> {
        let (sw, rest) = split_switches(args);
        if let Some(bad) = sw.chars().find(|c| !"abcdefhijkmnortuvz".contains(*c)) {
            return Err(format!("/did: unknown switch -{bad}"));
        }
        let mut words = rest.splitn(3, ' ');
        let name = words.next().unwrap_or("");
        let ids = words.next().unwrap_or("");
        let mut text = words.next().unwrap_or("").to_string();
        if name.is_empty() || ids.is_empty() {
            return Err("/did: insufficient parameters".to_string());
        }
        let mut id_list = Vec::new();
        for part in ids.split(',') {
            let bad = || format!("/did: '{part}' is not a control id");
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (
                        a.parse::<u32>().map_err(|_| bad())?,
                        b.parse::<u32>().map_err(|_| bad())?,
                    );
                    id_list.extend(a..=b);
                }
                None => id_list.push(part.parse::<u32>().map_err(|_| bad())?),
            }
        }
        // Switches that take a line number read it first.
        let mut line = None;
        if sw.contains(['i', 'o', 'd']) || (sw.contains(['c', 'u']) && !text.is_empty()) {
            let (n, t) = text.split_once(' ').unwrap_or((&text, ""));
            if let Ok(n) = n.parse::<usize>() {
                line = Some(n);
                text = t.to_string();
            } else if sw.contains(['i', 'o', 'd']) {
                return Err(format!("/did: -{sw} needs a line number"));
            }
        }
        let Some(x) = self.extras.get_mut() else {
            return Ok(());
        };
        let Some(d) = x.dialog_mut(name) else {
            return Err(format!("/did: no dialog {name} is open"));
        };
        for id in id_list {
            let Some(c) = d.control_mut(id) else {
                return Err(format!("/did: dialog {name} has no control {id}"));
            };
            apply_did(c, &sw, line, &text)?;
        }
        Ok(())
    }

    /// `$did(name,id[,N])` with its properties, `$did` (the id in a DIALOG event),
    /// `$dialog(name|N)`, `$dname`, `$devent`; `None` for other identifiers.
    pub(super) fn dialog_identifier(
        &self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        let key = (self.info.name == "DIALOG")
            .then(|| self.info.key.clone())
            .flatten()
            .unwrap_or_default();
        let mut parts = key.splitn(3, ':');
        let (dname, devent, did) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let text = |s: &str| {
            Some(Ok(if s.is_empty() {
                Value::Null
            } else {
                Value::text(s)
            }))
        };
        match (name, args.len()) {
            ("dname", 0) => text(dname),
            ("devent", 0) => text(devent),
            ("did", 0) => text(did),
            ("did", 2 | 3) => Some(self.did_identifier(args, prop)),
            // `$did(id)` in an event: a control of the dialog the event is about.
            ("did", 1) if !dname.is_empty() => {
                let full = [Value::text(dname), args[0].clone()];
                Some(self.did_identifier(&full, prop))
            }
            ("dialog", 1) => Some(self.dialog_identifier_of(&args[0].as_str(), prop)),
            ("dialog", 2 | 3) => Some(Err(
                "$dialog(name,table): modal dialogs would stop the client until closed; open it with /dialog -m and handle on DIALOG:name:close".to_string(),
            )),
            _ => None,
        }
    }

    fn dialog_identifier_of(&self, arg: &str, prop: Option<&str>) -> Result<Value, String> {
        let x = self.extras.get();
        let d = match arg.parse::<usize>() {
            Ok(0) => return Ok(Value::Int(x.dialogs.len() as i64)),
            Ok(n) => x.dialogs.get(n - 1),
            Err(_) => x.dialog(arg),
        };
        let Some(d) = d else {
            return Ok(Value::Null);
        };
        Ok(match prop.map(str::to_ascii_lowercase).as_deref() {
            None => Value::text(&d.name),
            Some("table") => Value::text(&d.table),
            Some("title") => Value::text(&d.title),
            Some("x") => Value::Int(d.rect.0),
            Some("y") => Value::Int(d.rect.1),
            Some("w") => Value::Int(d.rect.2),
            Some("h") => Value::Int(d.rect.3),
            Some("modal") => Value::bool(false),
            Some(p) => {
                return Err(format!(
                    "$dialog: property .{p} is not supported (.table .title .x .y .w .h .modal)"
                ))
            }
        })
    }

    fn did_identifier(&self, args: &[Value], prop: Option<&str>) -> Result<Value, String> {
        let name = args[0].as_str();
        let id = u32::try_from(args[1].to_i64_lenient()).unwrap_or(0);
        let n = args.get(2).map(Value::to_i64_lenient);
        let x = self.extras.get();
        let Some(c) = x.dialog(&name).and_then(|d| d.control(id)) else {
            return Ok(Value::Null);
        };
        let lines = c.lines();
        let nth = |n: i64| {
            usize::try_from(n - 1)
                .ok()
                .and_then(|i| lines.get(i))
                .cloned()
        };
        let line_text = match n {
            Some(n) => nth(n).unwrap_or_default(),
            None => c.text.clone(),
        };
        let opt = |s: Option<String>| s.map_or(Value::Null, Value::from_string);
        Ok(match prop.map(str::to_ascii_lowercase).as_deref() {
            None | Some("text") => {
                if line_text.is_empty() {
                    Value::Null
                } else {
                    Value::from_string(line_text)
                }
            }
            Some("lines") => Value::Int(lines.len() as i64),
            Some("len") => Value::Int(line_text.chars().count() as i64),
            Some("sel") => match n.unwrap_or(1) {
                0 => Value::Int(c.selected.len() as i64),
                k => usize::try_from(k - 1)
                    .ok()
                    .and_then(|i| c.selected.get(i))
                    .map_or(Value::Null, |s| Value::Int(*s as i64 + 1)),
            },
            Some("seltext") => opt(c.selected.first().and_then(|i| c.items.get(*i)).cloned()),
            Some("state") => Value::Int(i64::from(c.state)),
            Some("enabled") => Value::bool(c.enabled),
            Some("visible") => Value::bool(c.visible),
            Some(p) => return Err(format!("$did: property .{p} is not supported (.text .lines .len .sel .seltext .state .enabled .visible)")),
        })
    }
}

/// Applies `/did` switches to one control.
fn apply_did(c: &mut Control, sw: &str, line: Option<usize>, text: &str) -> Result<(), String> {
    let items = c.kind.has_items();
    if sw.contains('r') {
        c.text.clear();
        c.items.clear();
        c.selected.clear();
    }
    for s in sw.chars() {
        match s {
            'a' if items => c.items.push(text.to_string()),
            'a' if c.kind == ControlKind::Edit && c.has_style("multi") && !c.text.is_empty() => {
                c.text.push_str("\r\n");
                c.text.push_str(text);
            }
            'a' => c.text.push_str(text),
            'i' | 'o' | 'd' => {
                let n = line.unwrap_or(1);
                if n == 0 {
                    return Err(format!("/did -{s}: lines count from 1"));
                }
                let mut lines = c.lines();
                let i = n - 1;
                match s {
                    'i' => lines.insert(i.min(lines.len()), text.to_string()),
                    'o' if i < lines.len() => lines[i] = text.to_string(),
                    'o' if i == lines.len() => lines.push(text.to_string()),
                    'd' if i < lines.len() => {
                        lines.remove(i);
                    }
                    _ => return Err(format!("/did -{s}: control {} has no line {n}", c.id)),
                }
                if items {
                    c.items = lines;
                    c.selected.retain(|x| *x < c.items.len());
                } else {
                    c.text = lines.join("\r\n");
                }
            }
            'c' => match line {
                Some(n) if items && n >= 1 && n <= c.items.len() => {
                    if !sw.contains('k') {
                        c.selected.clear();
                    }
                    if !c.selected.contains(&(n - 1)) {
                        c.selected.push(n - 1);
                    }
                    if c.kind == ControlKind::Combo {
                        c.text.clone_from(&c.items[n - 1]);
                    }
                }
                Some(n) if items => {
                    return Err(format!("/did -c: control {} has no line {n}", c.id))
                }
                _ => c.state = 1,
            },
            'u' => match line {
                Some(n) if items => c.selected.retain(|x| *x + 1 != n),
                _ if items => c.selected.clear(),
                _ => c.state = 0,
            },
            'b' => c.enabled = false,
            'e' => c.enabled = true,
            'h' => c.visible = false,
            'v' => c.visible = true,
            'm' => c.read_only = true,
            'n' => c.read_only = false,
            // Focus, default button, keep selection, scroll width, the changed flag: the
            // GUI's business; accepted.
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(lines: &[(&str, &str)]) -> Table {
        Table {
            name: "t".into(),
            local: false,
            lines: lines
                .iter()
                .map(|(a, b)| ((*a).into(), (*b).into()))
                .collect(),
            span: rustirc_syntax::ast::Span::new(0, 0),
        }
    }

    #[test]
    fn tables_become_models() {
        let d = build(
            "t",
            &table(&[
                ("title", "\"Settings, all\""),
                ("size", "-1 -1 120 80"),
                ("option", "dbu"),
                ("edit", "\"\", 2, 5 5 100 10, autohs multi"),
                ("list", "3, 5 20 100 40, sort tab 1"),
                ("button", "\"OK\", 1, 5 65 40 12, ok default"),
            ]),
        )
        .unwrap();
        assert_eq!(d.title, "Settings, all");
        assert_eq!(d.rect, (-1, -1, 120, 80));
        assert_eq!(d.controls.len(), 3);
        assert_eq!(d.controls[1].kind, ControlKind::List);
        assert_eq!(d.controls[1].tab, Some(1));
        assert!(d.controls[2].has_style("ok"));
        let e = build("t", &table(&[("edit", "\"x\", two, 1 1 1 1")])).unwrap_err();
        assert!(e.contains("id is missing"), "{e}");
        let e = build("t", &table(&[("slider", "1, 1 1 1 1")])).unwrap_err();
        assert!(e.contains("not a control"), "{e}");
    }
}
