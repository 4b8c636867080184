//! Popup menus from `menu` blocks and popup INI sections, evaluated when the GUI opens one
//! ([`Client::menu`]) and run when the user picks an item ([`Client::menu_select`]).
//!
//! Labels are evaluated as the menu opens, with `$1-` set to what the menu is about (the
//! selected nicks of a nick list, the query's nick); a label that evaluates to nothing hides
//! its item (and a submenu whose label is empty hides the submenu). `$style(1)` in front of a
//! label checks it, `$style(2)` disables it, `$style(3)` does both. `-` is a separator, leading
//! dots nest items into the submenu above them, and `$submenu($name($1))` builds a submenu
//! by calling `$name` with `begin`, 1, 2 … until it returns nothing, then `end`; each line it
//! returns is `label:command` (or `-`).

use super::{Client, EventInfo, ScriptHost};
use rustirc_lang::Value;

/// One item of an evaluated menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuItem {
    /// The label as evaluated (`&` marks the accelerator, as in mIRC); empty for a separator.
    pub label: String,
    /// `true` for a separator line.
    pub separator: bool,
    /// Whether it can be picked (`$style(2)` disables it).
    pub enabled: bool,
    /// Whether it shows a check mark (`$style(1)`).
    pub checked: bool,
    /// The submenu's items (empty for a plain item).
    pub children: Vec<MenuItem>,
    /// What to pass to [`Client::menu_select`] when the user picks it; `None` for separators
    /// and submenus.
    pub id: Option<u64>,
}

/// The mouse at the user's last click, as a GUI reports it ([`Client::set_mouse`]) for
/// `$mouse`: `.x` `.y` (in the window), `.key` (1 the left button, 2 Ctrl, 4 Shift, 8 Alt,
/// 16 the right button), `.win` (the window), `.lb` (the list box line, 0 for none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mouse {
    /// Across the window, in pixels.
    pub x: i64,
    /// Down the window, in pixels.
    pub y: i64,
    /// The buttons and keys held, as bits.
    pub key: u32,
    /// The window clicked in.
    pub window: String,
    /// The 1-based line of a list box under the mouse, 0 for none.
    pub list_line: usize,
}

/// What picking an item runs.
#[derive(Clone, Debug)]
pub(super) struct MenuAction {
    script: u32,
    what: Action,
    params: Vec<String>,
    window: String,
}

#[derive(Clone, Debug)]
enum Action {
    Chunk(usize),
    Command(String),
}

/// The menu kinds a window offers, for [`Client::menu`].
fn matches_target(targets: &str, context: &str, window: &str) -> bool {
    targets.split(',').map(str::trim).any(|t| {
        t == "*"
            || t.eq_ignore_ascii_case(context)
            || (window.starts_with('@')
                && (t == "@" || t.eq_ignore_ascii_case(window))
                && context.eq_ignore_ascii_case("@window"))
    })
}

/// Splits `$style(N) label` into the style number and the label.
fn style_of(label: &str) -> (u8, &str) {
    let t = label.trim_start();
    if let Some(rest) = t
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("$style("))
        .map(|_| &t[7..])
    {
        if let Some((n, after)) = rest.split_once(')') {
            return (n.trim().parse().unwrap_or(0), after.trim_start());
        }
    }
    (0, label)
}

/// The items of a `menu @name` block that are mouse events in the window, run by
/// [`Client::window_click`] rather than shown in its popup menu.
const MOUSE_ITEMS: &[&str] = &[
    "sclick", "dclick", "lbclick", "rclick", "uclick", "mouse", "leave", "drop",
];

fn is_mouse_item(label: &str) -> bool {
    let l = label.trim();
    MOUSE_ITEMS.iter().any(|m| m.eq_ignore_ascii_case(l))
}

/// `$submenu($name($1))` → `$name($1)`.
fn submenu_call(label: &str) -> Option<&str> {
    let t = label.trim();
    let inner = t.get(..9).filter(|p| p.eq_ignore_ascii_case("$submenu("))?;
    let _ = inner;
    t[9..].strip_suffix(')')
}

impl Client {
    /// Evaluates the popup menu of `context` — `status`, `channel`, `query`, `nicklist`,
    /// `menubar` or `@window` (a custom window's, `window` naming it) — for `window`, with
    /// `selected` as `$1-` (the selected nicks of a nick list, the nick of a query; `$snicks`
    /// reads them comma-separated). Menus of every loaded script that name the context (or
    /// `*`) are joined in load order. Each call replaces the item ids of the previous one.
    /// Labels are evaluated, and items run, as if `window` were the active window.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.load_script("m.mrc", b"menu nicklist {\n  Greet $1:echo -s hello $1\n  -\n  Modes\n  .Op:echo -s op $1\n}\n");
    /// let items = client.menu("nicklist", "#c", &["alice"]);
    /// assert_eq!(items[0].label, "Greet alice");
    /// assert!(items[1].separator);
    /// assert_eq!(items[2].children[0].label, "Op");
    /// // The user picks "Greet alice":
    /// client.menu_select(items[0].id.unwrap()).unwrap();
    /// assert!(client.take_output().shown.iter().any(|(_, t)| t == "hello alice"));
    /// ```
    pub fn menu(&mut self, context: &str, window: &str, selected: &[&str]) -> Vec<MenuItem> {
        self.menu_actions.clear();
        let menus: Vec<rustirc_lang::LoadedMenu> = self
            .msl
            .engine
            .menus
            .iter()
            .filter(|m| matches_target(&m.targets, context, window))
            .filter(|m| {
                u32::try_from(m.script).is_ok_and(|s| self.scripts.iter().any(|(id, _)| *id == s))
            })
            .cloned()
            .collect();
        let params: Vec<String> = selected.iter().map(|s| (*s).to_string()).collect();
        let mut flat: Vec<(u8, MenuItem)> = Vec::new();
        for m in &menus {
            let script = u32::try_from(m.script).unwrap_or(u32::MAX);
            for item in &m.items {
                if context.eq_ignore_ascii_case("@window") && is_mouse_item(&item.label) {
                    continue;
                }
                if item.label.trim() == "-" {
                    flat.push((item.depth, separator()));
                    continue;
                }
                if let Some(call) = submenu_call(&item.label) {
                    let children = self.submenu(script, call, window, &params);
                    if !children.is_empty() {
                        // `$submenu` stands for the items themselves, one level down from
                        // the item above it.
                        for c in children {
                            flat.push((item.depth, c));
                        }
                    }
                    continue;
                }
                let (style, label) = style_of(&item.label);
                let label = self.menu_eval(script, label, window, &params, &params);
                let id = item.chunk.map(|chunk| {
                    self.menu_actions.push(MenuAction {
                        script,
                        what: Action::Chunk(chunk),
                        params: params.clone(),
                        window: window.to_string(),
                    });
                    (self.menu_actions.len() - 1) as u64
                });
                flat.push((
                    item.depth,
                    MenuItem {
                        label,
                        separator: false,
                        enabled: style & 2 == 0,
                        checked: style & 1 != 0,
                        children: Vec::new(),
                        id,
                    },
                ));
            }
        }
        nest(&mut flat.into_iter().peekable(), 0)
    }

    /// Runs the command of the menu item `id` (from the last [`Client::menu`]) as its
    /// script, with the permissions that script has.
    ///
    /// # Errors
    /// When `id` is not an item of the last menu.
    pub fn menu_select(&mut self, id: u64) -> Result<(), String> {
        let action = usize::try_from(id)
            .ok()
            .and_then(|i| self.menu_actions.get(i))
            .cloned()
            .ok_or_else(|| format!("no menu item {id} in the menu last opened"))?;
        let info = menu_info(&action.window, &action.params);
        let outer = self.running.replace(action.script);
        // The menu's code runs in its window (`/me`, `$active`).
        let active = std::mem::replace(&mut self.active, action.window.clone());
        let mut host = ScriptHost::new(self, &info);
        let r = match &action.what {
            Action::Chunk(chunk) => host.menu_chunk(*chunk, &action.params),
            Action::Command(line) => host.menu_line(action.script, line, &action.params),
        };
        let pending = host.finish();
        self.running = outer;
        if self.active == action.window {
            self.active = active;
        }
        if let Err(e) = r {
            self.out.show("status", e);
        }
        self.after(pending);
        self.deliver_signals();
        Ok(())
    }

    /// A click in custom window `window`: `event` is `sclick` (in its text), `dclick` (a
    /// double click), `lbclick` (in its list box, after [`Client::window_select`]) and so on.
    /// Runs the item of that name of each `menu @name` block for the window, as mIRC does;
    /// `$sline` gives the selected lines. Returns whether any ran.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.load_script("files.mrc", b"menu @files {\n  lbclick:echo -s picked $sline(@files,1)\n  Refresh:echo -s refresh\n}\n");
    /// client.run_command("/window -l @files");
    /// client.run_command("/aline -l @files notes.txt");
    /// client.window_select("@files", &[0]).unwrap();
    /// assert!(client.window_click("@files", "lbclick").unwrap());
    /// assert!(client.take_output().shown.iter().any(|(_, t)| t == "picked notes.txt"));
    /// // The mouse items are not in the window's popup menu.
    /// let items = client.menu("@window", "@files", &[]);
    /// assert_eq!(items.len(), 1);
    /// assert_eq!(items[0].label, "Refresh");
    /// ```
    ///
    /// # Errors
    /// When there is no such custom window.
    pub fn window_click(&mut self, window: &str, event: &str) -> Result<bool, String> {
        let name = self
            .custom_window(window)
            .map(|w| w.name.clone())
            .ok_or_else(|| format!("no custom window {window}"))?;
        let actions: Vec<MenuAction> = self
            .msl
            .engine
            .menus
            .iter()
            .filter(|m| matches_target(&m.targets, "@window", &name))
            .filter(|m| {
                u32::try_from(m.script).is_ok_and(|s| self.scripts.iter().any(|(id, _)| *id == s))
            })
            .flat_map(|m| {
                let script = u32::try_from(m.script).unwrap_or(u32::MAX);
                m.items
                    .iter()
                    .filter(|i| i.depth == 0 && i.label.trim().eq_ignore_ascii_case(event))
                    .filter_map(|i| i.chunk)
                    .map(|chunk| MenuAction {
                        script,
                        what: Action::Chunk(chunk),
                        params: Vec::new(),
                        window: name.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let ran = !actions.is_empty();
        for a in actions {
            self.menu_actions.push(a);
            let id = (self.menu_actions.len() - 1) as u64;
            self.menu_select(id)?;
        }
        Ok(ran)
    }

    /// Evaluates a label as `script`; an error shows and leaves the text as written.
    fn menu_eval(
        &mut self,
        script: u32,
        text: &str,
        window: &str,
        params: &[String],
        selected: &[String],
    ) -> String {
        if !text.contains(['$', '%']) {
            return text.to_string();
        }
        let info = menu_info(window, selected);
        let outer = self.running.replace(script);
        let active = std::mem::replace(&mut self.active, window.to_string());
        let mut host = ScriptHost::new(self, &info);
        let r = host.menu_text(script, text, params);
        let pending = host.finish();
        self.running = outer;
        if self.active == window {
            self.active = active;
        }
        self.after(pending);
        match r {
            Ok(t) => t,
            Err(e) => {
                self.out.show("status", e);
                text.to_string()
            }
        }
    }

    /// The items `$submenu(call)` gives.
    fn submenu(
        &mut self,
        script: u32,
        call: &str,
        window: &str,
        params: &[String],
    ) -> Vec<MenuItem> {
        let mut items = Vec::new();
        // `$1` is the number; `$snicks` still gives the selected nicks.
        let arg =
            |c: &mut Client, n: &str| c.menu_eval(script, call, window, &[n.to_string()], params);
        arg(self, "begin");
        for n in 1..=200 {
            let line = arg(self, &n.to_string());
            if line.is_empty() {
                break;
            }
            if line.trim() == "-" {
                items.push(separator());
                continue;
            }
            let (style, line) = style_of(&line);
            let (label, command) = line.split_once(':').unwrap_or((line, ""));
            let id = (!command.trim().is_empty()).then(|| {
                self.menu_actions.push(MenuAction {
                    script,
                    what: Action::Command(command.trim().to_string()),
                    params: params.to_vec(),
                    window: window.to_string(),
                });
                (self.menu_actions.len() - 1) as u64
            });
            items.push(MenuItem {
                label: label.to_string(),
                separator: false,
                enabled: style & 2 == 0,
                checked: style & 1 != 0,
                children: Vec::new(),
                id,
            });
        }
        arg(self, "end");
        items
    }
}

impl Client {
    /// Where the mouse is and what is held as the user clicks (a menu item, a window's line,
    /// a dialog's control), for `$mouse` in the code the click runs: mIRC scripts check
    /// `$mouse.key & 2` for Ctrl, `& 4` for Shift.
    ///
    /// ```
    /// # use rustirc_core::{client::{Client, Mouse}, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.load_script("m.mrc", b"menu status {\n  Join:if ($mouse.key & 2) echo -s ctrl-click | else echo -s click\n}\n");
    /// let items = client.menu("status", "status", &[]);
    /// client.set_mouse(Mouse { key: 1 | 2, window: "status".into(), ..Mouse::default() });
    /// client.menu_select(items[0].id.unwrap()).unwrap();
    /// assert!(client.take_output().shown.iter().any(|(_, t)| t == "ctrl-click"));
    /// ```
    pub fn set_mouse(&mut self, mouse: Mouse) {
        self.extras.mouse = mouse;
    }

    /// The user pressed a function key: `F1`…`F12`, `sF1` with Shift, `cF1` with Ctrl (also
    /// `Shift+F1`, `Ctrl+F1`). Runs the alias of that name (`alias F1`, `alias sF1`,
    /// `alias cF1`) as its script, in the active window.
    ///
    /// # Errors
    /// When the key is not a function key, or no alias is defined for it (a GUI then does
    /// what the key does by default, or nothing).
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.load_script("keys.mrc", b"alias sF2 echo -s shift and F2");
    /// client.function_key("sF2").unwrap();
    /// assert!(client.take_output().shown.iter().any(|(_, t)| t == "shift and F2"));
    /// assert!(client.function_key("F3").is_err());
    /// ```
    pub fn function_key(&mut self, key: &str) -> Result<(), String> {
        let name = function_key_alias(key)
            .ok_or_else(|| format!("{key} is not a function key (F1 to F12, sF1, cF1)"))?;
        if self.msl.engine.alias_chunk(&name).is_none() {
            return Err(format!("no alias {name} for the key {key}"));
        }
        self.run_command(&format!("/{name}"));
        Ok(())
    }
}

/// `F1`, `sF1`, `cF1`, `Shift+F1`, `Ctrl+F1` → the alias name (`F1`, `sF1`, `cF1`).
fn function_key_alias(key: &str) -> Option<String> {
    let k = key.trim();
    let lower = k.to_ascii_lowercase();
    let (prefix, rest) = if let Some(r) = lower.strip_prefix("shift+") {
        ("s", r)
    } else if let Some(r) = lower.strip_prefix("ctrl+") {
        ("c", r)
    } else if let Some(r) = lower.strip_prefix('s').filter(|r| r.starts_with('f')) {
        ("s", r)
    } else if let Some(r) = lower.strip_prefix('c').filter(|r| r.starts_with('f')) {
        ("c", r)
    } else {
        ("", lower.as_str())
    };
    let n: u8 = rest.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&n).then(|| format!("{prefix}F{n}"))
}

fn separator() -> MenuItem {
    MenuItem {
        label: String::new(),
        separator: true,
        enabled: false,
        checked: false,
        children: Vec::new(),
        id: None,
    }
}

/// What a menu's code sees: `$chan`/`#` for a channel window, `$target` the window.
fn menu_info(window: &str, params: &[String]) -> EventInfo {
    EventInfo {
        name: "MENU".to_string(),
        text: params.join(" "),
        chan: window
            .starts_with(['#', '&', '!', '+'])
            .then(|| window.to_string()),
        target: Some(window.to_string()),
        ..EventInfo::default()
    }
}

/// Builds the tree from `(depth, item)` in order: deeper items after an item are its
/// children; a submenu whose label is empty is dropped, and so is an empty plain item.
fn nest<I: Iterator<Item = (u8, MenuItem)>>(
    items: &mut std::iter::Peekable<I>,
    depth: u8,
) -> Vec<MenuItem> {
    let mut out: Vec<MenuItem> = Vec::new();
    while let Some((d, _)) = items.peek() {
        if *d < depth {
            break;
        }
        let Some((d, mut item)) = items.next() else {
            break;
        };
        if d > depth {
            // Deeper than expected with no parent: keep it at this level.
            out.push(item);
            continue;
        }
        if items.peek().is_some_and(|(n, _)| *n > depth) {
            item.children = nest(items, depth + 1);
        }
        if item.separator || !item.label.trim().is_empty() {
            out.push(item);
        }
    }
    out
}

impl ScriptHost<'_> {
    fn menu_chunk(&mut self, chunk: usize, params: &[String]) -> Result<(), String> {
        let Some(msl) = self.msl.take() else {
            return Ok(());
        };
        let p = params.iter().map(Value::text).collect();
        let r = msl.engine.call_chunk(chunk, p, self).map(|_| ());
        self.msl = Some(msl);
        r.map_err(|e| e.to_string())
    }

    fn menu_text(&mut self, script: u32, text: &str, params: &[String]) -> Result<String, String> {
        let Some(msl) = self.msl.take() else {
            return Ok(text.to_string());
        };
        let p = params.iter().map(Value::text).collect();
        let r = msl.engine.eval_text(text, script as usize, p, self);
        self.msl = Some(msl);
        r.map_err(|e| e.to_string())
    }

    /// A `$submenu` item's command: evaluated like a label, then run as a command line.
    fn menu_line(&mut self, script: u32, line: &str, params: &[String]) -> Result<(), String> {
        let Some(msl) = self.msl.take() else {
            return Ok(());
        };
        let p: Vec<Value> = params.iter().map(Value::text).collect();
        let r = rustirc_syntax::parse_statements(line)
            .map_err(|e| format!("* menu item: {e}"))
            .and_then(|stmts| {
                msl.engine
                    .run_stmts_with("menu", &stmts, script as usize, p, self)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        self.msl = Some(msl);
        r
    }

    /// `$snicks`: the selected nicks of the menu being shown or run, comma-separated.
    /// `$null` outside a menu.
    pub(super) fn snicks(&self) -> Result<Value, String> {
        if self.info.name != "MENU" || self.info.text.is_empty() {
            return Ok(Value::Null);
        }
        Ok(Value::from_string(self.info.text.replace(' ', ",")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_styles() {
        assert!(matches_target("channel,query", "query", "bob"));
        assert!(matches_target("*", "status", "status"));
        assert!(matches_target("@log", "@window", "@LOG"));
        assert!(!matches_target("@log", "@window", "@other"));
        assert!(matches_target("@", "@window", "@other"));
        assert!(!matches_target("nicklist", "channel", "#c"));
        assert_eq!(style_of("$style(3) Away"), (3, "Away"));
        assert_eq!(style_of("Away"), (0, "Away"));
        assert_eq!(submenu_call("$submenu($chans($1))"), Some("$chans($1)"));
        assert_eq!(function_key_alias("sF1").as_deref(), Some("sF1"));
        assert_eq!(function_key_alias("Ctrl+F12").as_deref(), Some("cF12"));
        assert_eq!(function_key_alias("f5").as_deref(), Some("F5"));
        assert_eq!(function_key_alias("F13"), None);
        assert_eq!(function_key_alias("x"), None);
    }
}
