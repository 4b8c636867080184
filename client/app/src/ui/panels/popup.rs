//! Scripts' popup menus (`menu channel { … }`, `menu nicklist`, `menu @window`, `menu
//! menubar` …) as context menus. The core evaluates a menu when it opens
//! ([`rustirc_core::client::Client::menu`]): the window asks for it the first frame the menu
//! is shown, draws a placeholder until the items arrive, and sends the id of the item the
//! user picks back ([`Act::MenuPick`]).

use crate::ui::Act;
use rustirc_core::client::MenuItem;

/// Which menu: the connection, the menu's context (`status`, `channel`, `query`,
/// `nicklist`, `menubar`, `@window`), the window it is about, and `$1-` (the nicks or
/// list lines selected).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuKey {
    /// The connection.
    pub cid: u32,
    /// The menu's context.
    pub context: String,
    /// The window.
    pub window: String,
    /// What is selected.
    pub selected: Vec<String>,
}

/// The menu open now and its evaluated items (`None` until the core answers).
#[derive(Default)]
pub struct MenuState {
    open: Option<(MenuKey, Option<Vec<MenuItem>>)>,
    shown: bool,
}

impl MenuState {
    /// The core's answer for `key`.
    pub fn answered(&mut self, key: &MenuKey, items: Vec<MenuItem>) {
        if let Some((k, slot)) = &mut self.open {
            if k == key {
                *slot = Some(items);
            }
        }
    }

    /// Called once a frame after the panels are drawn: a menu that was not shown this frame
    /// has closed, and is evaluated again the next time it opens.
    pub fn end_frame(&mut self) {
        if !self.shown {
            self.open = None;
        }
        self.shown = false;
    }

    /// The items of the open menu, if it is `key` and the core has answered.
    pub fn items(&self, key: &MenuKey) -> Option<&[MenuItem]> {
        match &self.open {
            Some((k, Some(items))) if k == key => Some(items),
            _ => None,
        }
    }
}

/// A label as mIRC writes it: `&` marks the accelerator (`&&` is a literal `&`).
pub fn plain_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '&' {
            if chars.peek() == Some(&'&') {
                chars.next();
                out.push('&');
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Draws the scripts' items of menu `key` inside an open menu (`ui`), asking the core for
/// them the first frame the menu is shown; `empty` is shown when no script adds any.
/// Returns whether anything was drawn (so a caller knows to separate its own items).
pub fn items(
    ui: &mut egui::Ui,
    state: &mut MenuState,
    key: MenuKey,
    empty: Option<&str>,
    acts: &mut Vec<Act>,
) -> bool {
    state.shown = true;
    let fresh = !matches!(&state.open, Some((k, _)) if *k == key);
    if fresh {
        state.open = Some((key.clone(), None));
        acts.push(Act::OpenMenu(key.clone()));
    }
    match state.items(&key) {
        None => {
            ui.weak("…");
            true
        }
        Some([]) => {
            if let Some(note) = empty {
                ui.weak(note);
            }
            false
        }
        Some(list) => {
            let list = list.to_vec();
            draw(ui, &list, key.cid, acts);
            true
        }
    }
}

fn draw(ui: &mut egui::Ui, list: &[MenuItem], cid: u32, acts: &mut Vec<Act>) {
    for item in list {
        if item.separator {
            ui.separator();
            continue;
        }
        let label = plain_label(&item.label);
        if !item.children.is_empty() {
            if item.enabled {
                ui.menu_button(label, |ui| draw(ui, &item.children, cid, acts));
            } else {
                ui.add_enabled(false, egui::Button::new(format!("{label} ⏵")));
            }
            continue;
        }
        let text = if item.checked {
            format!("✔ {label}")
        } else {
            label
        };
        let clicked = ui
            .add_enabled(item.enabled, egui::Button::new(text))
            .clicked();
        if clicked {
            if let Some(id) = item.id {
                acts.push(Act::MenuPick { cid, id });
            }
            ui.close();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn accelerators_are_not_shown() {
        assert_eq!(super::plain_label("&Join"), "Join");
        assert_eq!(super::plain_label("Tom && &Jerry"), "Tom & Jerry");
    }
}
