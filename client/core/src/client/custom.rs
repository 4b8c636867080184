//! Custom `@windows` as buffers: `/window` opens, changes and closes them, `/aline`,
//! `/iline`, `/rline` and `/dline` edit their lines (and their list box's, with `-l`),
//! `/clear` empties a window, `$window(@name)` and `$line(@name,N)` read them, `/sline` and
//! `$sline(@name,N)` set and read the selected lines (of the list box when there is one), a
//! line typed into a window's own input line raises `on INPUT:@name:`, and clicks in the
//! window run the `sclick`, `dclick` and `lbclick` items of its `menu @name` block
//! ([`Client::window_click`]).
//!
//! The windows live in [`Extras::custom`](super::Extras::custom), where the GUI reads them
//! ([`Client::custom_windows`]); each change is also reported, in order, in
//! [`Outbox::windows`](super::Outbox::windows) as a [`WindowEvent`] a GUI applies to its
//! view. Lines added are shown too (`(window, text)` in [`Outbox::shown`](super::Outbox)),
//! so the headless client prints them as it prints any window's lines.

use super::{Client, ScriptHost};
use rustirc_lang::Value;

/// How a custom window is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WindowState {
    /// Normal size.
    #[default]
    Normal,
    /// `-n`: minimized.
    Minimized,
    /// `-x`: maximized.
    Maximized,
    /// `-h`: hidden.
    Hidden,
}

impl WindowState {
    /// The word `$window(@name).state` gives.
    pub fn word(self) -> &'static str {
        match self {
            WindowState::Normal => "normal",
            WindowState::Minimized => "minimized",
            WindowState::Maximized => "maximized",
            WindowState::Hidden => "hidden",
        }
    }
}

/// A custom window: its lines, and what `/window` set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomWindow {
    /// The name as created, with its `@`.
    pub name: String,
    /// The text lines, first to last.
    pub lines: Vec<String>,
    /// `-l`: the list box's lines (a list box at the side), `None` without one.
    pub list: Option<Vec<String>>,
    /// `-e`: the window has an input line (typing there raises `on INPUT:@name:`).
    pub editbox: bool,
    /// `-s`: the lines are kept sorted.
    pub sorted: bool,
    /// How it is shown.
    pub state: WindowState,
    /// `x y w h` as given to `/window`, in pixels; `None` lets the GUI choose.
    pub rect: Option<(i64, i64, i64, i64)>,
    /// The popup menu file named after the size, if any (its menus are offered on the
    /// window beside the `menu @name` blocks).
    pub popup: Option<String>,
    /// The selected lines (0-based, in order) of the list box, or of the text when there is
    /// none (`/sline`, `$sline`, a click in the GUI).
    pub selected: Vec<usize>,
}

impl CustomWindow {
    /// The text lines (`list` false) or the list box's (`list` true); `None` when it has no
    /// list box.
    pub fn buffer(&self, list: bool) -> Option<&Vec<String>> {
        if list {
            self.list.as_ref()
        } else {
            Some(&self.lines)
        }
    }

    fn buffer_mut(&mut self, list: bool) -> Option<&mut Vec<String>> {
        if list {
            self.list.as_mut()
        } else {
            Some(&mut self.lines)
        }
    }
}

/// A change to a window, for the GUI to apply to its view of it. Line indices are 0-based
/// (`$line` counts from 1); `list` is true for the list box's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WindowEvent {
    /// `/window @name`: a custom window opened (read it with [`Client::custom_window`]).
    Opened(String),
    /// `/window` changed an open window's state, size or boxes.
    Changed(String),
    /// `/window -c`, `/close -@`: it closed.
    Closed(String),
    /// `/window -a`: it is to be the active window.
    Activated(String),
    /// A line was put at `index` (`/aline` at the end, `/iline` before a line).
    Inserted {
        /// The window.
        window: String,
        /// Its list box.
        list: bool,
        /// Where the line now is.
        index: usize,
        /// The line.
        text: String,
    },
    /// `/rline`: the line at `index` is now `text`.
    Replaced {
        /// The window.
        window: String,
        /// Its list box.
        list: bool,
        /// Which line.
        index: usize,
        /// The new text.
        text: String,
    },
    /// `/dline`: the line at `index` was removed.
    Deleted {
        /// The window.
        window: String,
        /// Its list box.
        list: bool,
        /// Which line.
        index: usize,
    },
    /// `/sline`: these lines (0-based) of the list box (or of the text, `list` false) are
    /// now the selected ones.
    Selected {
        /// The window.
        window: String,
        /// Its list box.
        list: bool,
        /// The selected lines.
        lines: Vec<usize>,
    },
    /// `/clear`: the window's lines (or its list box's) are gone. Sent for any window, so a
    /// GUI clears channel and query windows too.
    Cleared {
        /// The window.
        window: String,
        /// Its list box.
        list: bool,
    },
}

impl super::Extras {
    /// The custom window `name` (with its `@`, any case).
    pub fn custom(&self, name: &str) -> Option<&CustomWindow> {
        self.custom_windows
            .iter()
            .find(|w| w.name.eq_ignore_ascii_case(name))
    }

    fn custom_mut(&mut self, name: &str) -> Option<&mut CustomWindow> {
        self.custom_windows
            .iter_mut()
            .find(|w| w.name.eq_ignore_ascii_case(name))
    }
}

impl Client {
    /// The open custom windows, in the order they were opened.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.run_command("/window -e @log");
    /// client.run_command("/aline @log first");
    /// let w = &client.custom_windows()[0];
    /// assert_eq!((w.name.as_str(), w.lines.len(), w.editbox), ("@log", 1, true));
    /// ```
    pub fn custom_windows(&self) -> &[CustomWindow] {
        &self.extras.custom_windows
    }

    /// The custom window `name` (with its `@`, any case).
    pub fn custom_window(&self, name: &str) -> Option<&CustomWindow> {
        self.extras.custom(name)
    }

    /// The user selected `lines` (0-based) of custom window `name`'s list box (of its text
    /// when it has none), as `$sline` then reads them; lines it does not have are left out.
    ///
    /// # Errors
    /// When there is no such window.
    pub fn window_select(&mut self, name: &str, lines: &[usize]) -> Result<(), String> {
        let w = self
            .extras
            .custom_mut(name)
            .ok_or_else(|| format!("no custom window {name}"))?;
        let count = w.buffer(w.list.is_some()).map_or(0, Vec::len);
        let mut sel: Vec<usize> = lines.iter().copied().filter(|l| *l < count).collect();
        sel.sort_unstable();
        sel.dedup();
        w.selected = sel;
        Ok(())
    }

    /// Takes the window changes since the last call, in order (a GUI applies them to its
    /// view; they also stay in [`Client::take_output`]'s [`Outbox::windows`](super::Outbox)
    /// until then).
    pub fn take_window_events(&mut self) -> Vec<WindowEvent> {
        std::mem::take(&mut self.out.windows)
    }
}

/// `-switches` and `+flags` at the front of `args`, and the words after them.
fn switches(args: &str) -> (String, Vec<&str>) {
    let mut words: Vec<&str> = args.split_whitespace().collect();
    let mut sw = String::new();
    while let Some(w) = words.first() {
        let is_sw = (w.starts_with('-') || w.starts_with('+'))
            && w.len() > 1
            && !w[1..].starts_with(|c: char| c.is_ascii_digit());
        if !is_sw {
            break;
        }
        if let Some(s) = w.strip_prefix('-') {
            sw.push_str(s);
        }
        words.remove(0);
    }
    (sw, words)
}

impl ScriptHost<'_> {
    /// The custom window commands; `None` for any other.
    pub(super) fn custom_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        Some(match name {
            "sline" => self.sline(args),
            "aline" => self.line_command("aline", args),
            "iline" => self.line_command("iline", args),
            "rline" => self.line_command("rline", args),
            "dline" => self.dline(args),
            "clear" => self.clear(args),
            _ => return None,
        })
    }

    fn custom_event(&mut self, e: WindowEvent) {
        self.pending.windows.push(e);
    }

    /// `/window [-switches] [+flags] @name [x y [w h]] [popup.txt]` for a custom window; other
    /// windows only take `-g` (their highlight state).
    pub(super) fn custom_window_command(&mut self, args: &str) -> Result<(), String> {
        let (sw, words) = switches(args);
        let Some(name) = words.first().copied() else {
            return Err("/window: insufficient parameters".to_string());
        };
        if !name.starts_with('@') || name.len() < 2 {
            return self.window_state_command(args);
        }
        let mut chars = sw.chars().peekable();
        let (mut close, mut activate, mut editbox, mut listbox, mut sorted) =
            (false, false, false, false, false);
        let mut state = None;
        let mut highlight = None;
        while let Some(c) = chars.next() {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == ',') {
                digits.push(*d);
                chars.next();
            }
            match c {
                'c' => close = true,
                'a' => activate = true,
                'e' => editbox = true,
                'l' => listbox = true,
                's' | 'S' => sorted = true,
                'n' => state = Some(WindowState::Minimized),
                'x' => state = Some(WindowState::Maximized),
                'h' => state = Some(WindowState::Hidden),
                'r' | 'w' => state = Some(WindowState::Normal),
                'g' => {
                    highlight = Some(match digits.as_str() {
                        "" => 1,
                        "0" | "1" | "2" | "3" => digits.parse::<u8>().unwrap_or(1),
                        _ => return Err(format!("/window: -g{digits}: the state is 0, 1, 2 or 3")),
                    });
                }
                // Drawing and placement details a buffer has no use for: accepted.
                'b' | 'B' | 'C' | 'd' | 'E' | 'f' | 'i' | 'j' | 'k' | 'm' | 'M' | 'o' | 'p'
                | 'R' | 't' | 'u' | 'v' | 'z' | 'Z' | 'H' | 'K' | 'N' | 'O' | 'P' | 'I' | 'G'
                | 'L' => {}
                other => return Err(format!("/window: unknown switch -{other}")),
            }
        }
        let mut rest = &words[1..];
        let mut nums = Vec::new();
        while let Some(n) = rest.first().and_then(|w| w.parse::<i64>().ok()) {
            if nums.len() == 4 {
                break;
            }
            nums.push(n);
            rest = &rest[1..];
        }
        let rect = match nums[..] {
            [] => None,
            [x, y] => Some((x, y, -1, -1)),
            [x, y, w, h] => Some((x, y, w, h)),
            _ => {
                return Err(format!(
                    "/window: {name}: give a position as `x y` or `x y w h`"
                ))
            }
        };
        let popup = rest
            .iter()
            .find(|w| !w.starts_with('/') && w.contains('.'))
            .map(|w| (*w).to_string());
        let Some(x) = self.extras.get_mut() else {
            return Ok(());
        };
        let key = name.to_string();
        if close {
            let before = x.custom_windows.len();
            x.custom_windows
                .retain(|w| !w.name.eq_ignore_ascii_case(name));
            if x.custom_windows.len() != before {
                self.closed_custom(name);
            }
            return Ok(());
        }
        let opened = x.custom(name).is_none();
        if opened {
            x.custom_windows.push(CustomWindow {
                name: key.clone(),
                ..CustomWindow::default()
            });
        }
        let w = x.custom_mut(name).expect("just made");
        let key = w.name.clone();
        w.editbox |= editbox;
        if listbox && w.list.is_none() {
            w.list = Some(Vec::new());
        }
        if sorted && !w.sorted {
            w.sorted = true;
            w.lines.sort_by_key(|l| l.to_ascii_lowercase());
        }
        if let Some(s) = state {
            w.state = s;
        }
        if rect.is_some() {
            w.rect = rect;
        }
        if popup.is_some() {
            w.popup = popup;
        }
        if let Some(level) = highlight {
            let cid = self.conns.cid;
            if let Some(x) = self.extras.get_mut() {
                x.set_window_state(cid, &key, level);
            }
        }
        if opened {
            self.pending.window_opens.push(key.clone());
        }
        self.custom_event(if opened {
            WindowEvent::Opened(key.clone())
        } else {
            WindowEvent::Changed(key.clone())
        });
        if activate {
            self.active.clone_from(&key);
            self.pending.active = Some(key.clone());
            self.custom_event(WindowEvent::Activated(key));
        }
        Ok(())
    }

    /// A custom window closed: the GUI hears of it, and it is no longer the active window.
    pub(super) fn closed_custom(&mut self, name: &str) {
        self.custom_event(WindowEvent::Closed(name.to_string()));
        self.pending.window_closes.push(name.to_string());
        if self.active.eq_ignore_ascii_case(name) {
            self.active = "status".to_string();
            self.pending.active = Some(self.active.clone());
        }
    }

    /// `/close -@ [@name…]`: closes those custom windows (every one without names).
    pub(super) fn close_custom(&mut self, names: &[&str]) {
        let Some(x) = self.extras.get_mut() else {
            return;
        };
        let closing: Vec<String> = x
            .custom_windows
            .iter()
            .filter(|w| names.is_empty() || names.iter().any(|n| n.eq_ignore_ascii_case(&w.name)))
            .map(|w| w.name.clone())
            .collect();
        x.custom_windows.retain(|w| !closing.contains(&w.name));
        for n in closing {
            self.closed_custom(&n);
        }
    }

    /// `/aline [-hlpsa] [colour] @name text`, `/iline … @name N text`,
    /// `/rline … @name N text`: adds, inserts or replaces a line; `-l` works on the list box.
    fn line_command(&mut self, cmd: &str, args: &str) -> Result<(), String> {
        let (sw, _) = switches(args);
        let list = sw.contains('l');
        // The rest keeps the text's own spacing.
        let mut rest = args.trim_start();
        while rest.starts_with(['-', '+']) && !rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            rest = rest.split_once(' ').map_or("", |(_, r)| r).trim_start();
        }
        // An optional colour number before the window.
        if let Some((first, after)) = rest.split_once(' ') {
            if first.parse::<u32>().is_ok() {
                rest = after.trim_start();
            }
        }
        let (name, mut text) = rest.split_once(' ').unwrap_or((rest, ""));
        if name.is_empty() {
            return Err(format!("/{cmd}: insufficient parameters"));
        }
        let mut at = None;
        if cmd != "aline" {
            let (n, t) = text.split_once(' ').unwrap_or((text, ""));
            let n = n
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("/{cmd}: '{n}' is not a line number (1 or more)"))?;
            at = Some(n - 1);
            text = t;
        }
        let Some(x) = self.extras.get_mut() else {
            return Ok(());
        };
        let Some(w) = x.custom_mut(name) else {
            return Err(format!("/{cmd}: no such window {name}"));
        };
        let window = w.name.clone();
        let sorted = w.sorted && !list;
        let Some(buf) = w.buffer_mut(list) else {
            return Err(format!(
                "/{cmd}: {window} has no list box (open it with /window -l)"
            ));
        };
        let text = text.to_string();
        let index = match (cmd, at) {
            ("rline", Some(i)) => {
                let Some(line) = buf.get_mut(i) else {
                    return Err(format!("/rline: {window} has no line {}", i + 1));
                };
                line.clone_from(&text);
                self.custom_event(WindowEvent::Replaced {
                    window: window.clone(),
                    list,
                    index: i,
                    text: text.clone(),
                });
                if !list {
                    self.show(&window, text);
                }
                return Ok(());
            }
            (_, Some(i)) => i.min(buf.len()),
            (_, None) if sorted => buf
                .iter()
                .position(|l| l.to_ascii_lowercase() > text.to_ascii_lowercase())
                .unwrap_or(buf.len()),
            (_, None) => buf.len(),
        };
        buf.insert(index, text.clone());
        self.custom_event(WindowEvent::Inserted {
            window: window.clone(),
            list,
            index,
            text: text.clone(),
        });
        // The selected lines at or after it moved down one.
        self.move_selection(&window, list, |l| Some(if l >= index { l + 1 } else { l }));
        if !list {
            self.show(&window, text);
        }
        Ok(())
    }

    /// Maps the selected lines of `window` through `f` (`None` drops one) when `list` names
    /// the buffer they are in, and tells the GUI when they changed.
    fn move_selection(&mut self, window: &str, list: bool, f: impl Fn(usize) -> Option<usize>) {
        let Some(x) = self.extras.get_mut() else {
            return;
        };
        let Some(w) = x.custom_mut(window) else {
            return;
        };
        if list != w.list.is_some() || w.selected.is_empty() {
            return;
        }
        let moved: Vec<usize> = w.selected.iter().filter_map(|l| f(*l)).collect();
        if moved == w.selected {
            return;
        }
        w.selected.clone_from(&moved);
        let e = WindowEvent::Selected {
            window: w.name.clone(),
            list,
            lines: moved,
        };
        self.custom_event(e);
    }

    /// `/sline [-a|-r] @name N`: selects line N of the list box (of the text without one);
    /// `-a` adds it to the selection, `-r` takes it out of it.
    fn sline(&mut self, args: &str) -> Result<(), String> {
        let (sw, words) = switches(args);
        if let Some(bad) = sw.chars().find(|c| !"ar".contains(*c)) {
            return Err(format!(
                "/sline: unknown switch -{bad} (-a adds, -r removes)"
            ));
        }
        let [name, n] = words[..] else {
            return Err("/sline: use /sline [-a|-r] @name N".to_string());
        };
        let Some(x) = self.extras.get_mut() else {
            return Ok(());
        };
        let Some(w) = x.custom_mut(name) else {
            return Err(format!("/sline: no such window {name}"));
        };
        let list = w.list.is_some();
        let count = w.buffer(list).map_or(0, Vec::len);
        let line = n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=count).contains(n))
            .ok_or_else(|| format!("/sline: {} has no line {n}", w.name))?
            - 1;
        if sw.contains('r') {
            w.selected.retain(|l| *l != line);
        } else {
            if !sw.contains('a') {
                w.selected.clear();
            }
            if !w.selected.contains(&line) {
                w.selected.push(line);
                w.selected.sort_unstable();
            }
        }
        let e = WindowEvent::Selected {
            window: w.name.clone(),
            list,
            lines: w.selected.clone(),
        };
        self.custom_event(e);
        Ok(())
    }

    /// `$sline(@name,N)`: the Nth selected line (N = 0 counts them), `.ln` its line number.
    pub(super) fn sline_identifier(
        &self,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        let [name, n] = args else {
            return None;
        };
        let extras = self.extras.get();
        let Some(w) = extras.custom(&name.as_str()) else {
            return Some(Ok(Value::Null));
        };
        let n = n.to_i64_lenient();
        if n == 0 {
            return Some(Ok(Value::Int(w.selected.len() as i64)));
        }
        let Some(line) = n
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| w.selected.get(i))
        else {
            return Some(Ok(Value::Null));
        };
        Some(Ok(match prop {
            Some(p) if p.eq_ignore_ascii_case("ln") => Value::Int(*line as i64 + 1),
            _ => w
                .buffer(w.list.is_some())
                .and_then(|b| b.get(*line))
                .map_or(Value::Null, Value::text),
        }))
    }

    /// `/dline [-l] @name N|N-M`: removes lines.
    fn dline(&mut self, args: &str) -> Result<(), String> {
        let (sw, words) = switches(args);
        let list = sw.contains('l');
        let (name, range) = match words[..] {
            [name, range] => (name, range),
            _ => return Err("/dline: use /dline [-l] @name N or N-M".to_string()),
        };
        let bad = || format!("/dline: '{range}' is not a line number or range (N or N-M)");
        let (from, to) = match range.split_once('-') {
            Some((a, "")) => (a.parse::<usize>().map_err(|_| bad())?, usize::MAX),
            Some((a, b)) => (
                a.parse::<usize>().map_err(|_| bad())?,
                b.parse::<usize>().map_err(|_| bad())?,
            ),
            None => {
                let n = range.parse::<usize>().map_err(|_| bad())?;
                (n, n)
            }
        };
        if from == 0 || to < from {
            return Err(bad());
        }
        let Some(x) = self.extras.get_mut() else {
            return Ok(());
        };
        let Some(w) = x.custom_mut(name) else {
            return Err(format!("/dline: no such window {name}"));
        };
        let window = w.name.clone();
        let Some(buf) = w.buffer_mut(list) else {
            return Err(format!("/dline: {window} has no list box"));
        };
        if from > buf.len() {
            return Err(format!("/dline: {window} has no line {from}"));
        }
        let to = to.min(buf.len());
        buf.drain(from - 1..to);
        for _ in from..=to {
            self.custom_event(WindowEvent::Deleted {
                window: window.clone(),
                list,
                index: from - 1,
            });
        }
        // Deleted lines are no longer selected; those after them moved up.
        let gone = to - from + 1;
        self.move_selection(&window, list, |l| match l + 1 {
            n if n < from => Some(l),
            n if n > to => Some(l - gone),
            _ => None,
        });
        Ok(())
    }

    /// `/clear [-l] [window]`: clears a window (the active one when none is given); `-l` the
    /// list box of a custom window, `-s` the status window.
    fn clear(&mut self, args: &str) -> Result<(), String> {
        let (sw, words) = switches(args);
        if let Some(bad) = sw.chars().find(|c| !"slhc".contains(*c)) {
            return Err(format!("/clear: unknown switch -{bad}"));
        }
        let list = sw.contains('l');
        let window = match words[..] {
            [] if sw.contains('s') => "status".to_string(),
            [] => self.active.clone(),
            [w] => w.to_string(),
            _ => return Err("/clear: one window only".to_string()),
        };
        let mut name = window.clone();
        if let Some(x) = self.extras.get_mut() {
            if let Some(w) = x.custom_mut(&window) {
                name.clone_from(&w.name);
                match w.buffer_mut(list) {
                    Some(b) => b.clear(),
                    None => return Err(format!("/clear: {name} has no list box")),
                }
            }
        }
        self.custom_event(WindowEvent::Cleared {
            window: name.clone(),
            list,
        });
        self.move_selection(&name, list, |_| None);
        Ok(())
    }

    /// `$line(@name,N[,1])`: line N of a custom window (of its list box with `1`); N = 0
    /// counts them.
    pub(super) fn line_identifier(&self, args: &[Value]) -> Option<Result<Value, String>> {
        if !(2..=3).contains(&args.len()) {
            return None;
        }
        let name = args[0].as_str();
        let list = args.get(2).is_some_and(|v| v.to_i64_lenient() == 1);
        let extras = self.extras.get();
        let Some(buf) = extras.custom(&name).and_then(|w| w.buffer(list)) else {
            return Some(Ok(Value::Null));
        };
        let n = args[1].to_i64_lenient();
        Some(Ok(match n {
            0 => Value::Int(buf.len() as i64),
            n if n > 0 => usize::try_from(n - 1)
                .ok()
                .and_then(|i| buf.get(i))
                .map_or(Value::Null, Value::text),
            _ => Value::Null,
        }))
    }

    /// `$window(@name)` and `$window(N)` (the Nth custom window, 0 counts them), with
    /// `.state .type .x .y .w .h .lines .editbox .listbox .sbcolor`; `None` for other windows.
    pub(super) fn custom_window_identifier(
        &self,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        let [arg] = args else {
            return None;
        };
        let extras = self.extras.get();
        let a = arg.as_str();
        let w = if a.starts_with('@') {
            extras.custom(&a)
        } else {
            match a.parse::<usize>() {
                Ok(0) => return Some(Ok(Value::Int(extras.custom_windows.len() as i64))),
                Ok(n) => extras.custom_windows.get(n - 1),
                Err(_) => return None,
            }
        };
        let Some(w) = w else {
            return Some(Ok(Value::Null));
        };
        let rect = w.rect.unwrap_or((0, 0, -1, -1));
        let v = match prop.map(str::to_ascii_lowercase).as_deref() {
            None => Value::text(&w.name),
            Some("state") => Value::text(w.state.word()),
            Some("type") => Value::text(if w.list.is_some() { "listbox" } else { "custom" }),
            Some("x") => Value::Int(rect.0),
            Some("y") => Value::Int(rect.1),
            Some("w") => Value::Int(rect.2),
            Some("h") => Value::Int(rect.3),
            Some("lines") => Value::Int(w.lines.len() as i64),
            Some("editbox") => Value::bool(w.editbox),
            Some("listbox") => Value::bool(w.list.is_some()),
            Some("sbcolor") => {
                let level = extras.window_state(self.conns.cid, &w.name);
                Value::text(["none", "event", "message", "highlight"][usize::from(level.min(3))])
            }
            Some(p) => {
                return Some(Err(format!(
                    "$window: property .{p} is not supported for custom windows (.state .type .x .y .w .h .lines .editbox .listbox .sbcolor)"
                )))
            }
        };
        Some(Ok(v))
    }

    /// Whether `name` is an open custom window.
    pub(super) fn is_custom_window(&self, name: &str) -> bool {
        self.extras.get().custom(name).is_some()
    }

    /// `/echo @name text` into a custom window: the line is added to it.
    pub(super) fn echo_custom(&mut self, name: &str, text: &str) -> bool {
        let Some(x) = self.extras.get_mut() else {
            return false;
        };
        let Some(w) = x.custom_mut(name) else {
            return false;
        };
        let window = w.name.clone();
        w.lines.push(text.to_string());
        let index = w.lines.len() - 1;
        self.custom_event(WindowEvent::Inserted {
            window: window.clone(),
            list: false,
            index,
            text: text.to_string(),
        });
        self.show(&window, text.to_string());
        true
    }
}
