//! The window's view model: the text of every buffer, which buffer is shown, unread and
//! highlight markers, and the last [`Snapshot`] of the client's state. It is filled from the
//! core thread's [`Update`]s and never changes the client itself.

use super::bridge::{NetSnap, Snapshot};
use rustirc_core::client::{Alert, Outbox, WindowEvent};
use rustirc_core::permissions::PermissionRequest;
use std::collections::BTreeMap;

/// One shown line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// When it arrived (ms since the Unix epoch).
    pub at_ms: u64,
    /// The text, with mIRC formatting codes.
    pub text: String,
    /// Marked as a highlight (`/markline`, the built-in highlight script).
    pub highlight: bool,
}

/// A buffer: the lines of one window of one connection.
#[derive(Clone, Debug, Default)]
pub struct Buffer {
    /// The window's name as first shown (`status`, `#chan`, `nick`, `@name`).
    pub name: String,
    /// Its lines, oldest first.
    pub lines: Vec<Line>,
    /// Lines that arrived while it was not shown.
    pub unread: usize,
    /// A highlight or flash arrived while it was not shown.
    pub highlighted: bool,
    /// A custom `@window`: its lines come from window events, not from what is shown.
    pub custom: bool,
    /// A custom window's list box lines (`/window -l`).
    pub list: Vec<String>,
    /// A custom window's selected lines (0-based): of its list box, or of its text when it
    /// has none.
    pub selected: Vec<usize>,
}

/// Which buffer: connection id and folded window name.
pub type Key = (u32, String);

/// The most lines a buffer keeps; older ones are dropped (mIRC's default buffer is 5,000
/// lines; the message view stays smooth far beyond this).
pub const MAX_LINES: usize = 200_000;

/// The most notices kept between two frames (a flood in a query does not pile them up).
const MAX_NOTICES: usize = 20;

/// The view model.
#[derive(Default)]
pub struct View {
    /// The buffers.
    pub buffers: BTreeMap<Key, Buffer>,
    /// The buffer shown.
    pub active: Key,
    /// The client's state.
    pub snap: Snapshot,
    /// Permission requests waiting for the user's answer.
    pub permission_requests: Vec<PermissionRequest>,
    /// `/beep` requests not yet played.
    pub beeps: u32,
    /// The window asked to flash (the title bar shows it until the window is focused).
    pub flash: bool,
    /// Lines that call for the user's attention (a highlight, a private message), as
    /// (title, text), for desktop notifications and sounds.
    pub notices: Vec<(String, String)>,
    /// What scripts asked for outside the window (`/tip`, `/splay`), in order.
    pub signals: Vec<crate::ui::alerts::Signal>,
    /// `/titlebar`: the text after the client's name in the window's title.
    pub title: Option<String>,
}

/// The folded form of a window name (mIRC window names are case-insensitive).
pub fn fold(name: &str) -> String {
    name.to_lowercase()
}

impl View {
    /// A view showing the status window of connection 1.
    pub fn new() -> View {
        let mut v = View {
            active: (1, "status".into()),
            ..View::default()
        };
        v.buffer_mut(1, "status");
        v
    }

    /// The buffer `(cid, name)`, made if missing.
    pub fn buffer_mut(&mut self, cid: u32, name: &str) -> &mut Buffer {
        self.buffers
            .entry((cid, fold(name)))
            .or_insert_with(|| Buffer {
                name: name.to_string(),
                ..Buffer::default()
            })
    }

    /// The buffer shown.
    pub fn active_buffer(&self) -> Option<&Buffer> {
        self.buffers.get(&self.active)
    }

    /// Shows buffer `key` (its markers are cleared).
    pub fn select(&mut self, key: Key) {
        if let Some(b) = self.buffers.get_mut(&key) {
            b.unread = 0;
            b.highlighted = false;
        }
        self.active = key;
    }

    /// The connection of the buffer shown.
    pub fn active_net(&self) -> Option<&NetSnap> {
        self.snap.nets.iter().find(|n| n.cid == self.active.0)
    }

    /// Applies a change to a window: custom windows' lines are put, replaced and removed
    /// where the script said; `/clear` empties any window.
    fn apply_window_event(&mut self, cid: u32, e: WindowEvent, at_ms: u64) {
        let line = |text| Line {
            at_ms,
            text,
            highlight: false,
        };
        match e {
            WindowEvent::Opened(name) => self.buffer_mut(cid, &name).custom = true,
            WindowEvent::Changed(_) => {}
            WindowEvent::Closed(name) => {
                let key = (cid, fold(&name));
                self.buffers.remove(&key);
                if self.active == key {
                    self.select((cid, "status".into()));
                }
            }
            WindowEvent::Activated(name) => self.select((cid, fold(&name))),
            WindowEvent::Inserted {
                window,
                list,
                index,
                text,
            } => {
                let key = (cid, fold(&window));
                let shown = key == self.active;
                let b = self.buffer_mut(cid, &window);
                if list {
                    b.list.insert(index.min(b.list.len()), text);
                } else {
                    b.lines.insert(index.min(b.lines.len()), line(text));
                    if !shown {
                        b.unread += 1;
                    }
                }
            }
            WindowEvent::Replaced {
                window,
                list,
                index,
                text,
            } => {
                let b = self.buffer_mut(cid, &window);
                if list {
                    if let Some(l) = b.list.get_mut(index) {
                        *l = text;
                    }
                } else if let Some(l) = b.lines.get_mut(index) {
                    *l = line(text);
                }
            }
            WindowEvent::Deleted {
                window,
                list,
                index,
            } => {
                let b = self.buffer_mut(cid, &window);
                if list {
                    if index < b.list.len() {
                        b.list.remove(index);
                    }
                } else if index < b.lines.len() {
                    b.lines.remove(index);
                }
            }
            WindowEvent::Selected { window, lines, .. } => {
                self.buffer_mut(cid, &window).selected = lines;
            }
            WindowEvent::Cleared { window, list } => {
                if let Some(b) = self.buffers.get_mut(&(cid, fold(&window))) {
                    if list {
                        b.list.clear();
                    } else {
                        b.lines.clear();
                        b.unread = 0;
                    }
                }
            }
        }
    }

    /// Adds what connection `cid` showed.
    pub fn apply_output(&mut self, cid: u32, o: Outbox, at_ms: u64) {
        let mut custom: Vec<String> = Vec::new();
        for e in o.windows {
            if let WindowEvent::Opened(name) = &e {
                custom.push(fold(name));
            }
            self.apply_window_event(cid, e, at_ms);
        }
        for (i, (window, text)) in o.shown.into_iter().enumerate() {
            let highlight = o.marked.contains(&i);
            let key = (cid, fold(&window));
            // A custom window's lines came as window events, in their places.
            if window.starts_with('@')
                && (custom.contains(&key.1) || self.buffers.get(&key).is_some_and(|b| b.custom))
            {
                continue;
            }
            let shown = key == self.active;
            let private = !key.1.starts_with(['#', '&', '!', '+', '@']) && key.1 != "status";
            if highlight || private {
                let plain = crate::ui::mirc::strip(&text);
                let mine = self.snap.nets.iter().any(|n| {
                    n.cid == cid && !n.me.is_empty() && plain.starts_with(&format!("<{}>", n.me))
                });
                if !mine && self.notices.len() < MAX_NOTICES {
                    self.notices.push((window.clone(), plain));
                }
            }
            let b = self.buffer_mut(cid, &window);
            if !shown {
                b.unread += 1;
                b.highlighted |= highlight;
            }
            b.lines.push(Line {
                at_ms,
                text,
                highlight,
            });
            if b.lines.len() > MAX_LINES {
                let extra = b.lines.len() - MAX_LINES;
                b.lines.drain(..extra);
            }
        }
        for a in o.alerts {
            match a {
                Alert::Beep(n) => self.beeps += n,
                Alert::Titlebar(text) => self.title = Some(text),
                Alert::Sound(file) => self
                    .signals
                    .push(crate::ui::alerts::Signal::Sound(Some(file))),
                Alert::Notify { title, text } => self
                    .signals
                    .push(crate::ui::alerts::Signal::Notify { title, text }),
                Alert::Flash { window, .. } => {
                    self.flash = true;
                    let key = (cid, fold(&window));
                    if key != self.active {
                        if let Some(b) = self.buffers.get_mut(&key) {
                            b.highlighted = true;
                        }
                    }
                }
            }
        }
        self.permission_requests.extend(o.permission_requests);
    }

    /// Takes the client's new state; buffers are made for channels and queries that have
    /// none yet, so the tree lists them.
    pub fn apply_snapshot(&mut self, snap: Snapshot) {
        let mut joined = None;
        for n in &snap.nets {
            self.buffer_mut(n.cid, "status");
            for c in &n.channels {
                self.buffer_mut(n.cid, &c.name);
                // A channel just joined is shown, as in mIRC.
                let known = self
                    .snap
                    .nets
                    .iter()
                    .any(|o| o.cid == n.cid && o.channels.iter().any(|x| x.name == c.name));
                if !known {
                    joined = Some((n.cid, fold(&c.name)));
                }
            }
            for q in &n.queries {
                self.buffer_mut(n.cid, q);
            }
        }
        self.snap = snap;
        if let Some(key) = joined {
            self.select(key);
        }
    }

    /// The buffers of connection `cid`, status first, then channels, then the rest, each
    /// group by name.
    pub fn buffers_of(&self, cid: u32) -> Vec<(&Key, &Buffer)> {
        let mut v: Vec<_> = self.buffers.iter().filter(|(k, _)| k.0 == cid).collect();
        v.sort_by_key(|(k, _)| {
            let rank = if k.1 == "status" {
                0
            } else if k.1.starts_with(['#', '&', '!', '+']) {
                1
            } else if k.1.starts_with('@') {
                3
            } else {
                2
            };
            (rank, k.1.clone())
        });
        v
    }

    /// Every connection id with a buffer or in the snapshot, in order.
    pub fn cids(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.buffers.keys().map(|k| k.0).collect();
        v.extend(self.snap.nets.iter().map(|n| n.cid));
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// `HH:MM:SS` of a time in ms since the Unix epoch (UTC, as the headless client prints).
pub fn clock(at_ms: u64) -> String {
    let s = at_ms / 1000;
    format!("{:02}:{:02}:{:02}", (s / 3600) % 24, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    //! Lines land in the buffer of their window and connection; buffers not shown count
    //! what they missed and whether it mentioned me.
    use super::*;

    #[test]
    fn lines_unread_and_highlights() {
        let mut v = View::new();
        let o = Outbox {
            shown: vec![
                ("status".into(), "hello".into()),
                ("#Chan".into(), "<bob> hi".into()),
                ("#chan".into(), "<bob> me: ping".into()),
            ],
            marked: vec![2],
            ..Outbox::default()
        };
        v.apply_output(1, o, 0);
        let chan = &v.buffers[&(1, "#chan".to_string())];
        assert_eq!(chan.name, "#Chan");
        assert_eq!(chan.lines.len(), 2);
        assert_eq!(chan.unread, 2);
        assert!(chan.highlighted);
        assert!(chan.lines[1].highlight);
        assert_eq!(v.buffers[&(1, "status".to_string())].unread, 0);
        v.select((1, "#chan".into()));
        let chan = &v.buffers[&(1, "#chan".to_string())];
        assert_eq!((chan.unread, chan.highlighted), (0, false));
        assert_eq!(clock(3_723_000), "01:02:03");
    }

    #[test]
    fn custom_windows_follow_their_events() {
        let mut v = View::new();
        let ins = |list, index, text: &str| WindowEvent::Inserted {
            window: "@Log".into(),
            list,
            index,
            text: text.into(),
        };
        let o = Outbox {
            shown: vec![("@Log".into(), "b".into()), ("@Log".into(), "a".into())],
            windows: vec![
                WindowEvent::Opened("@Log".into()),
                ins(false, 0, "b"),
                ins(false, 0, "a"),
                ins(true, 0, "item"),
            ],
            ..Outbox::default()
        };
        v.apply_output(1, o, 0);
        let texts = |v: &View| -> Vec<String> {
            v.buffers[&(1, "@log".to_string())]
                .lines
                .iter()
                .map(|l| l.text.clone())
                .collect()
        };
        // /iline put "a" first; the shown copies are not added again.
        assert_eq!(texts(&v), ["a", "b"]);
        assert_eq!(v.buffers[&(1, "@log".to_string())].list, ["item"]);
        let o = Outbox {
            windows: vec![
                WindowEvent::Replaced {
                    window: "@log".into(),
                    list: false,
                    index: 1,
                    text: "B".into(),
                },
                WindowEvent::Deleted {
                    window: "@log".into(),
                    list: false,
                    index: 0,
                },
            ],
            ..Outbox::default()
        };
        v.apply_output(1, o, 0);
        assert_eq!(texts(&v), ["B"]);
        v.select((1, "@log".into()));
        v.apply_output(
            1,
            Outbox {
                windows: vec![WindowEvent::Closed("@Log".into())],
                ..Outbox::default()
            },
            0,
        );
        assert!(!v.buffers.contains_key(&(1, "@log".to_string())));
        assert_eq!(v.active, (1, "status".to_string()));
    }
}
