//! The message view of the shown buffer: timestamps, nick colours and mIRC formatting
//! (colours 0–98, bold, italic, underline, reverse, reset), clickable URLs and channel names,
//! and a search of the scrollback. Only the rows on screen are laid out
//! (`ScrollArea::show_rows`), so 100,000 lines scroll as smoothly as 100.

use super::popup::{MenuKey, MenuState};
use crate::ui::mirc::{self, Style};
use crate::ui::view::{clock, Buffer, Key, View};
use crate::ui::Act;

/// The scrollback search: the text looked for and, for the buffer and line count it was
/// computed on, the matching line numbers.
#[derive(Default)]
pub struct SearchState {
    /// What is looked for (case-insensitive); empty shows every line.
    pub query: String,
    cache: Option<(String, Key, usize, Vec<usize>)>,
}

impl SearchState {
    /// The lines of `b` (buffer `key`) that match, computed once per query and line count.
    fn matches(&mut self, key: &Key, b: &Buffer) -> &[usize] {
        let fresh = matches!(&self.cache, Some((q, k, n, _)) if *q == self.query && k == key && *n == b.lines.len());
        if !fresh {
            let q = self.query.to_lowercase();
            let hits = b
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| mirc::strip(&l.text).to_lowercase().contains(&q))
                .map(|(i, _)| i)
                .collect();
            self.cache = Some((self.query.clone(), key.clone(), b.lines.len(), hits));
        }
        self.cache.as_ref().map_or(&[], |c| c.3.as_slice())
    }
}

/// The egui colour of mIRC colour `n`.
fn colour(n: u8) -> egui::Color32 {
    let [r, g, b] = mirc::rgb(n);
    egui::Color32::from_rgb(r, g, b)
}

/// Appends `text` in mIRC style `s` to `job`.
fn append(ui: &egui::Ui, job: &mut egui::text::LayoutJob, text: &str, s: Style) {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let normal = ui.visuals().text_color();
    let (mut fg, mut bg) = (
        s.fg.map_or(normal, colour),
        s.bg.map_or(egui::Color32::TRANSPARENT, colour),
    );
    if s.reverse {
        let back = if bg == egui::Color32::TRANSPARENT {
            ui.visuals().extreme_bg_color
        } else {
            bg
        };
        (fg, bg) = (back, fg);
    }
    if s.bold {
        // The default fonts have no bold face: a stronger colour stands in.
        fg = if s.fg.is_some() {
            fg
        } else {
            ui.visuals().strong_text_color()
        };
    }
    let format = egui::TextFormat {
        font_id: font,
        color: fg,
        background: bg,
        italics: s.italic,
        underline: if s.underline {
            egui::Stroke::new(1.0, fg)
        } else {
            egui::Stroke::NONE
        },
        ..Default::default()
    };
    job.append(text, 0.0, format);
}

/// One shown line as a layout job: its time (when `at_ms` is given), then its text with the
/// nick of a `<nick> text` line in the nick's colour.
pub fn layout_line(ui: &egui::Ui, text: &str, at_ms: Option<u64>) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    if let Some(t) = at_ms {
        let s = Style {
            fg: Some(14),
            ..Style::default()
        };
        append(ui, &mut job, &format!("[{}] ", clock(t)), s);
    }
    let mut rest = text;
    if let Some(after) = text.strip_prefix('<') {
        if let Some(end) = after.find('>') {
            let nick = after[..end].trim_start_matches(['@', '+', '%', '~', '&']);
            let s = Style {
                fg: Some(mirc::nick_colour(nick)),
                ..Style::default()
            };
            append(ui, &mut job, &text[..end + 2], s);
            rest = &after[end + 1..];
        }
    }
    for span in mirc::spans(rest) {
        append(ui, &mut job, &span.text, span.style);
    }
    job
}

/// The URLs and channel names in a line, for the links drawn after it.
pub fn links(text: &str) -> Vec<String> {
    mirc::strip(text)
        .split_whitespace()
        .filter(|w| {
            w.starts_with("http://")
                || w.starts_with("https://")
                || (w.starts_with('#') && w.len() > 1)
        })
        .map(|w| w.trim_end_matches([',', '.', ')', ';', ':']).to_string())
        .collect()
}

/// The popup menu of buffer `key` (`$1-`: the query's nick, a list box's selected line).
fn menu_key(key: &Key, b: &Buffer, list_pick: Option<&str>) -> MenuKey {
    let (context, selected) = if key.1 == "status" {
        ("status", Vec::new())
    } else if key.1.starts_with(['#', '&', '!', '+']) {
        ("channel", Vec::new())
    } else if key.1.starts_with('@') {
        (
            "@window",
            list_pick.map(str::to_string).into_iter().collect(),
        )
    } else {
        ("query", vec![b.name.clone()])
    };
    MenuKey {
        cid: key.0,
        context: context.into(),
        window: b.name.clone(),
        selected,
    }
}

/// A custom window's list box, at the right: a click selects a line (`$sline`, `$1` of the
/// window's popup menu) and runs the window's `lbclick` menu item, a double click `dclick`.
fn list_box(ui: &mut egui::Ui, key: &Key, b: &Buffer, acts: &mut Vec<Act>) {
    egui::Panel::right(("list_box", key))
        .resizable(true)
        .default_size(160.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (i, line) in b.list.iter().enumerate() {
                        let r = ui.selectable_label(b.selected.contains(&i), mirc::strip(line));
                        let event = if r.double_clicked() {
                            "dclick"
                        } else if r.clicked() {
                            "lbclick"
                        } else {
                            continue;
                        };
                        acts.push(Act::WindowClick {
                            cid: key.0,
                            window: b.name.clone(),
                            line: i,
                            event: event.into(),
                        });
                    }
                });
        });
}

/// Draws the shown buffer, with the search field above it and, for a custom window with a
/// list box, the list at the right. A right click opens the window's popup menu. Returns the
/// channel names clicked.
pub fn show(
    ui: &mut egui::Ui,
    view: &View,
    search: &mut SearchState,
    popup: &mut MenuState,
    acts: &mut Vec<Act>,
) -> Vec<String> {
    let mut clicked = Vec::new();
    let Some(b) = view.active_buffer() else {
        ui.label("No window.");
        return clicked;
    };
    let has_list = view
        .snap
        .custom
        .iter()
        .any(|w| w.list && crate::ui::view::fold(&w.name) == view.active.1);
    if has_list {
        list_box(ui, &view.active, b, acts);
    }
    let pick = b
        .selected
        .first()
        .and_then(|i| {
            if has_list {
                b.list.get(*i)
            } else {
                b.lines.get(*i).map(|l| &l.text)
            }
        })
        .map(|l| mirc::strip(l));
    let key = menu_key(&view.active, b, pick.as_deref());
    let mut menu = |r: &egui::Response| {
        r.context_menu(|ui| {
            super::popup::items(
                ui,
                popup,
                key.clone(),
                Some("(no script adds items here)"),
                acts,
            );
        });
    };
    ui.horizontal(|ui| {
        let l = ui.label("Search:");
        ui.add(
            egui::TextEdit::singleline(&mut search.query)
                .desired_width(200.0)
                .id_salt("scrollback_search"),
        )
        .labelled_by(l.id);
        if !search.query.is_empty() {
            let n = search.matches(&view.active, b).len();
            ui.label(format!("{n} lines"));
            if ui.button("Clear").clicked() {
                search.query.clear();
            }
        }
    });
    ui.separator();
    let row = ui.text_style_height(&egui::TextStyle::Monospace) + 2.0;
    let filtered = !search.query.is_empty();
    let rows: Vec<usize>;
    let count = if filtered {
        rows = search.matches(&view.active, b).to_vec();
        rows.len()
    } else {
        rows = Vec::new();
        b.lines.len()
    };
    let background = ui.interact(
        ui.available_rect_before_wrap(),
        egui::Id::unique(("messages_bg", &view.active)),
        egui::Sense::click(),
    );
    menu(&background);
    let text_picks = b.custom && !has_list;
    let mut picks: Vec<(usize, &str)> = Vec::new();
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .id_salt(("messages", &view.active))
        .show_rows(ui, row, count, |ui, range| {
            for r in range {
                let i = if filtered { rows[r] } else { r };
                let line = &b.lines[i];
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    let job = layout_line(ui, &line.text, Some(line.at_ms));
                    let frame = if line.highlight {
                        egui::Frame::new()
                            .fill(egui::Color32::from_rgba_unmultiplied(200, 60, 60, 40))
                    } else if text_picks && b.selected.contains(&i) {
                        egui::Frame::new().fill(ui.visuals().selection.bg_fill)
                    } else {
                        egui::Frame::new()
                    };
                    let r = frame.show(ui, |ui| ui.add(egui::Label::new(job).extend()));
                    menu(&r.inner);
                    // A custom window without a list box: a click selects the line and runs
                    // the window menu's sclick item, a double click its dclick item.
                    if text_picks {
                        let event = if r.inner.double_clicked() {
                            Some("dclick")
                        } else if r.inner.clicked() {
                            Some("sclick")
                        } else {
                            None
                        };
                        if let Some(event) = event {
                            picks.push((i, event));
                        }
                    }
                    for l in links(&line.text) {
                        if l.starts_with('#') {
                            if ui.small_button(&l).on_hover_text("Join").clicked() {
                                clicked.push(l);
                            }
                        } else {
                            ui.hyperlink_to("link", &l).on_hover_text(&l);
                        }
                    }
                });
            }
        });
    for (line, event) in picks {
        acts.push(Act::WindowClick {
            cid: view.active.0,
            window: b.name.clone(),
            line,
            event: event.into(),
        });
    }
    clicked
}

#[cfg(test)]
mod tests {
    //! The links of a line are its URLs and channel names, without trailing punctuation.
    #[test]
    fn links_in_a_line() {
        assert_eq!(
            super::links("<bob> see https://example.org/x, and \x02#rust\x02."),
            ["https://example.org/x", "#rust"]
        );
        assert!(super::links("# alone").is_empty());
    }
}
