//! Dialogs that scripts open (`/dialog -m name table`): each open [`DialogModel`] is drawn as
//! a window titled with its title, and each shown control where its table puts it. What the
//! user does in a dialog becomes an [`Act::Dialog`], which the client turns into
//! `on DIALOG` events ([`DialogAction::apply`]).
//!
//! The client keeps the dialogs; this panel keeps only what drawing needs between frames: the
//! text being typed into edit boxes ([`EditBuffer`]), the tab each dialog shows, and the
//! dialogs the user has closed while the client has not yet said they are gone.

use crate::ui::Act;
use egui::{Align, Layout, Rect, Sense, UiBuilder, Vec2};
use rustirc_core::client::{Client, Control, ControlKind, DialogModel};
use std::collections::{HashMap, HashSet, VecDeque};

/// Pixels per dialog unit across and down, for tables with `option dbu` (mIRC's dialog
/// units are a quarter of the average character width and an eighth of the character
/// height; the window's font makes those about two pixels each). Without `option dbu`,
/// positions and sizes are pixels, as in mIRC.
pub const DBU: Vec2 = Vec2::new(2.0, 2.0);

/// What the user did in a dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAction {
    /// Clicked control `id` (a button, check box, radio button, link or tab).
    Click(u32),
    /// Double-clicked a line of list `id`.
    DoubleClick(u32),
    /// Changed the text of edit box (or combo box) `id` to this.
    Edit(u32, String),
    /// Selected line `index` (from 0) of list or combo box `id`.
    Select(u32, usize),
    /// Closed the dialog's window.
    Close,
}

impl DialogAction {
    /// Tells the client what the user did in dialog `name` (on the core thread).
    ///
    /// # Errors
    /// The client's: the dialog or control is gone, or cannot be used.
    pub fn apply(self, client: &mut Client, name: &str) -> Result<(), String> {
        match self {
            DialogAction::Click(id) => client.dialog_click(name, id),
            DialogAction::DoubleClick(id) => client.dialog_dclick(name, id),
            DialogAction::Edit(id, text) => client.dialog_edit(name, id, &text),
            DialogAction::Select(id, index) => client.dialog_select(name, id, index),
            DialogAction::Close => client.dialog_close(name),
        }
    }
}

/// The text of one edit box while the user types into it. The client's copy lags behind
/// the typing (each change makes a round trip to the core thread), so a snapshot that still
/// holds an older text must not overwrite what the user typed since; a text the client
/// changed itself (`/did` in a script) replaces it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditBuffer {
    /// What the box shows.
    pub text: String,
    /// The client's text as last seen.
    model: String,
    /// Texts sent to the client that it has not shown back yet, oldest first.
    sent: VecDeque<String>,
}

impl EditBuffer {
    /// A box showing the client's `model` text.
    pub fn new(model: &str) -> EditBuffer {
        EditBuffer {
            text: model.to_string(),
            model: model.to_string(),
            sent: VecDeque::new(),
        }
    }

    /// Takes the client's text from the latest snapshot. Unchanged, or one of the texts this
    /// box sent coming back: the typing stands. Anything else was changed by a script, and
    /// is shown.
    pub fn sync(&mut self, model: &str) {
        if model == self.model {
            return;
        }
        model.clone_into(&mut self.model);
        if let Some(i) = self.sent.iter().position(|s| s == model) {
            self.sent.drain(..=i);
        } else {
            self.sent.clear();
            model.clone_into(&mut self.text);
        }
    }

    /// The user changed the text: what to send to the client.
    pub fn typed(&mut self) -> String {
        self.sent.push_back(self.text.clone());
        self.text.clone()
    }
}

/// What the dialogs keep between frames.
#[derive(Default)]
pub struct DialogsState {
    /// Edit boxes' and combo boxes' text, by (folded dialog name, control id).
    edits: HashMap<(String, u32), EditBuffer>,
    /// The tab each dialog shows (a tab control's id), by folded dialog name.
    tabs: HashMap<String, u32>,
    /// Dialogs the user closed, until the client's state no longer has them.
    closing: HashSet<String>,
    /// Where each dialog was last put (`x y` as its table or `/dialog -s` gave it).
    placed: HashMap<String, (i64, i64)>,
}

impl DialogsState {
    /// Forgets what belonged to dialogs that are no longer open.
    fn forget_closed(&mut self, dialogs: &[DialogModel]) {
        let open: HashSet<String> = dialogs.iter().map(|d| fold(&d.name)).collect();
        self.edits.retain(|(d, _), _| open.contains(d));
        self.tabs.retain(|d, _| open.contains(d));
        self.closing.retain(|d| open.contains(d));
        self.placed.retain(|d, _| open.contains(d));
    }
}

fn fold(name: &str) -> String {
    name.to_lowercase()
}

/// The id of edit box (or combo box field) `id` of dialog `name` (tests focus it by this).
pub fn edit_id(name: &str, id: u32) -> egui::Id {
    egui::Id::unique(("dialog_edit", fold(name), id))
}

/// Draws every open dialog.
pub fn show(
    ctx: &egui::Context,
    dialogs: &[DialogModel],
    st: &mut DialogsState,
    acts: &mut Vec<Act>,
) {
    st.forget_closed(dialogs);
    for d in dialogs {
        let key = fold(&d.name);
        if st.closing.contains(&key) {
            continue;
        }
        let scale = scale_of(d);
        let size = content_size(d, scale);
        let title = if d.title.is_empty() {
            &d.name
        } else {
            &d.title
        };
        let mut open = true;
        let mut window = egui::Window::new(title.as_str())
            .id(egui::Id::unique(("dialog", &key)))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .fixed_size(size);
        let at = (d.rect.0, d.rect.1);
        let pos = egui::pos2(at.0 as f32 * scale.x, at.1 as f32 * scale.y);
        match st.placed.insert(key.clone(), at) {
            // `-1`: in the middle of the window.
            None if at.0 < 0 || at.1 < 0 => {
                window = window.default_pos(ctx.content_rect().center() - size / 2.0);
            }
            None => window = window.default_pos(pos),
            // Moved by `/dialog -s`.
            Some(before) if before != at && at.0 >= 0 && at.1 >= 0 => {
                window = window.current_pos(pos);
            }
            Some(_) => {}
        }
        let mut done = Vec::new();
        if let Some(id) = enter_pressed_in(ctx, d) {
            done.push(DialogAction::Click(id));
        }
        window.show(ctx, |ui| draw(ui, d, scale, size, st, &mut done));
        if !open {
            st.closing.insert(key);
            done.push(DialogAction::Close);
        }
        acts.extend(done.into_iter().map(|action| Act::Dialog {
            name: d.name.clone(),
            action,
        }));
    }
}

/// The `default` button (else the `ok` one) of dialog `d` when Enter was pressed in one of its
/// one-line edit boxes, as in a Windows dialog. Asked before the dialog is drawn, while the
/// box still has the focus it gives up on Enter.
fn enter_pressed_in(ctx: &egui::Context, d: &DialogModel) -> Option<u32> {
    if !ctx.input(|i| i.key_pressed(egui::Key::Enter)) {
        return None;
    }
    let focused = ctx.memory(|m| m.focused())?;
    let in_box = d.controls.iter().any(|c| {
        c.kind == ControlKind::Edit
            && !has_style(c, "multi")
            && c.enabled
            && edit_id(&d.name, c.id) == focused
    });
    if !in_box {
        return None;
    }
    let button = |style: &str| {
        d.controls.iter().find(|c| {
            c.kind == ControlKind::Button && c.enabled && c.visible && has_style(c, style)
        })
    };
    button("default").or_else(|| button("ok")).map(|c| c.id)
}

/// Pixels per unit of the table's positions and sizes.
fn scale_of(d: &DialogModel) -> Vec2 {
    if d.options.iter().any(|o| o == "dbu" || o == "map") {
        DBU
    } else {
        Vec2::splat(1.0)
    }
}

/// The dialog's inside, in pixels: its `size`, or (`-1`) enough for its controls.
fn content_size(d: &DialogModel, scale: Vec2) -> Vec2 {
    let (mut w, mut h) = (d.rect.2, d.rect.3);
    if w < 0 || h < 0 {
        let right = d.controls.iter().map(|c| c.rect.0 + c.rect.2).max();
        let bottom = d.controls.iter().map(|c| c.rect.1 + c.rect.3).max();
        if w < 0 {
            w = right.unwrap_or(100) + 5;
        }
        if h < 0 {
            h = bottom.unwrap_or(50) + 5;
        }
    }
    Vec2::new(w.max(1) as f32 * scale.x, h.max(1) as f32 * scale.y)
}

/// A control's place in the window, from the content's top-left corner `origin`.
fn place(c: &Control, scale: Vec2, origin: egui::Pos2) -> Rect {
    let (x, y, w, h) = c.rect;
    Rect::from_min_size(
        origin + Vec2::new(x as f32 * scale.x, y as f32 * scale.y),
        Vec2::new(w.max(0) as f32 * scale.x, h.max(0) as f32 * scale.y),
    )
}

/// A caption as Windows shows it: `&` marks the access key and is not drawn (`&&` is one
/// `&`).
fn caption(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '&' {
            if chars.peek() == Some(&'&') {
                chars.next();
                out.push('&');
            }
        } else {
            out.push(ch);
        }
    }
    out
}

fn has_style(c: &Control, s: &str) -> bool {
    c.styles.iter().any(|x| x == s)
}

/// The tab dialog `d` shows: the one the user picked, else the first.
fn shown_tab(d: &DialogModel, st: &DialogsState) -> Option<u32> {
    let tabs = || d.controls.iter().filter(|c| c.kind == ControlKind::Tab);
    st.tabs
        .get(&fold(&d.name))
        .copied()
        .filter(|t| tabs().any(|c| c.id == *t))
        .or_else(|| tabs().map(|c| c.id).next())
}

/// Draws the inside of dialog `d`: the frames (tab strip, boxes) first, then the controls
/// over them.
fn draw(
    ui: &mut egui::Ui,
    d: &DialogModel,
    scale: Vec2,
    size: Vec2,
    st: &mut DialogsState,
    done: &mut Vec<DialogAction>,
) {
    let (area, _) = ui.allocate_exact_size(size, Sense::hover());
    let tab = shown_tab(d, st);
    tab_strip(ui, d, tab, scale, area.min, st, done);
    let shown = |c: &&Control| c.visible && (c.tab.is_none() || c.tab == tab);
    for c in d.controls.iter().filter(shown) {
        if c.kind == ControlKind::Box {
            group_box(ui, c, place(c, scale, area.min));
        }
    }
    for c in d.controls.iter().filter(shown) {
        if matches!(c.kind, ControlKind::Box | ControlKind::Tab) {
            continue;
        }
        let rect = place(c, scale, area.min);
        let mut builder = UiBuilder::new()
            .max_rect(rect)
            .id_salt(("dialog_control", c.id))
            .layout(Layout::left_to_right(Align::Center));
        if !c.enabled {
            builder = builder.disabled();
        }
        ui.scope_builder(builder, |ui| {
            ui.set_clip_rect(rect.expand(2.0).intersect(ui.clip_rect()));
            control(ui, d, c, rect, st, done);
        });
    }
}

/// The tab strip: the tabs' captions above a frame, in the first tab's rectangle; picking a
/// tab shows its controls and clicks it.
fn tab_strip(
    ui: &mut egui::Ui,
    d: &DialogModel,
    shown: Option<u32>,
    scale: Vec2,
    origin: egui::Pos2,
    st: &mut DialogsState,
    done: &mut Vec<DialogAction>,
) {
    let tabs: Vec<&Control> = d
        .controls
        .iter()
        .filter(|c| c.kind == ControlKind::Tab && c.visible)
        .collect();
    let Some(first) = tabs.iter().find(|c| c.rect.2 > 0 && c.rect.3 > 0) else {
        return;
    };
    let rect = place(first, scale, origin);
    let strip = Rect::from_min_size(rect.min, Vec2::new(rect.width(), 22.0));
    ui.painter().rect_stroke(
        Rect::from_min_max(egui::pos2(rect.min.x, strip.max.y), rect.max),
        2.0,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(strip)
            .id_salt("dialog_tabs")
            .layout(Layout::left_to_right(Align::Center)),
        |ui| {
            for t in tabs {
                let r = ui.add_enabled(
                    t.enabled,
                    egui::Button::selectable(shown == Some(t.id), caption(&t.text)),
                );
                if r.clicked() {
                    st.tabs.insert(fold(&d.name), t.id);
                    done.push(DialogAction::Click(t.id));
                }
            }
        },
    );
}

/// A group box: a frame with its title over the top edge.
fn group_box(ui: &mut egui::Ui, c: &Control, rect: Rect) {
    let text_h = ui.text_style_height(&egui::TextStyle::Body);
    let frame = Rect::from_min_max(egui::pos2(rect.min.x, rect.min.y + text_h / 2.0), rect.max);
    ui.painter().rect_stroke(
        frame,
        2.0,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    if c.text.is_empty() {
        return;
    }
    let title = Rect::from_min_size(
        rect.min + Vec2::new(6.0, 0.0),
        Vec2::new((rect.width() - 12.0).max(0.0), text_h),
    );
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(title)
            .id_salt(("dialog_box", c.id))
            .layout(Layout::left_to_right(Align::Min)),
        |ui| {
            egui::Frame::new()
                .fill(ui.visuals().window_fill)
                .inner_margin(egui::Margin::symmetric(2, 0))
                .show(ui, |ui| {
                    ui.add_enabled(c.enabled, egui::Label::new(caption(&c.text)).truncate());
                });
        },
    );
}

/// One control, in a `Ui` spanning its rectangle.
fn control(
    ui: &mut egui::Ui,
    d: &DialogModel,
    c: &Control,
    rect: Rect,
    st: &mut DialogsState,
    done: &mut Vec<DialogAction>,
) {
    match c.kind {
        ControlKind::Text => {
            let layout = if has_style(c, "center") {
                Layout::top_down(Align::Center)
            } else if has_style(c, "right") {
                Layout::top_down(Align::Max)
            } else {
                Layout::top_down(Align::Min)
            };
            ui.with_layout(layout, |ui| {
                ui.add(egui::Label::new(caption(&c.text)).wrap());
            });
        }
        ControlKind::Edit => edit(ui, d, c, rect.size(), st, done),
        ControlKind::Button => {
            if ui
                .add_sized(rect.size(), egui::Button::new(caption(&c.text)))
                .clicked()
            {
                done.push(DialogAction::Click(c.id));
            }
        }
        ControlKind::Check => {
            let mut on = c.state == 1;
            let r = if has_style(c, "push") {
                ui.add_sized(rect.size(), egui::Button::selectable(on, caption(&c.text)))
            } else {
                ui.add(egui::Checkbox::new(&mut on, caption(&c.text)).indeterminate(c.state == 2))
            };
            if r.clicked() {
                done.push(DialogAction::Click(c.id));
            }
        }
        ControlKind::Radio => {
            let on = c.state == 1;
            let r = if has_style(c, "push") {
                ui.add_sized(rect.size(), egui::Button::selectable(on, caption(&c.text)))
            } else {
                ui.radio(on, caption(&c.text))
            };
            if r.clicked() {
                done.push(DialogAction::Click(c.id));
            }
        }
        ControlKind::List => list(ui, c, rect.size(), done),
        ControlKind::Combo => combo(ui, d, c, rect, st, done),
        ControlKind::Link => {
            if ui.link(caption(&c.text)).clicked() {
                done.push(DialogAction::Click(c.id));
            }
        }
        ControlKind::Icon => {
            // The picture itself is not loaded: a framed placeholder of its size.
            let (r, resp) = ui.allocate_exact_size(rect.size(), Sense::click());
            ui.painter().rect(
                r,
                2.0,
                ui.visuals().faint_bg_color,
                ui.visuals().widgets.noninteractive.bg_stroke,
                egui::StrokeKind::Inside,
            );
            if resp.clicked() {
                done.push(DialogAction::Click(c.id));
            }
        }
        ControlKind::Box | ControlKind::Tab => {}
    }
}

/// The [`EditBuffer`] of control `c`, brought up to date with the client's text.
fn buffer<'s>(st: &'s mut DialogsState, d: &DialogModel, c: &Control) -> &'s mut EditBuffer {
    // Edit boxes keep lines joined by CR LF; the text field wants LF.
    let model = c.text.replace("\r\n", "\n");
    let b = st
        .edits
        .entry((fold(&d.name), c.id))
        .or_insert_with(|| EditBuffer::new(&model));
    b.sync(&model);
    b
}

/// An edit box: one line, several (`multi`), hidden (`pass`) or read-only.
fn edit(
    ui: &mut egui::Ui,
    d: &DialogModel,
    c: &Control,
    size: Vec2,
    st: &mut DialogsState,
    done: &mut Vec<DialogAction>,
) {
    let id = edit_id(&d.name, c.id);
    let (multi, pass) = (has_style(c, "multi"), has_style(c, "pass"));
    let b = buffer(st, d, c);
    if c.read_only {
        ui.add_sized(size, text_field(&mut b.text.as_str(), id, multi, pass));
        return;
    }
    if ui
        .add_sized(size, text_field(&mut b.text, id, multi, pass))
        .changed()
    {
        let text = b.typed();
        done.push(DialogAction::Edit(c.id, text.replace('\n', "\r\n")));
    }
}

fn text_field(
    text: &mut dyn egui::TextBuffer,
    id: egui::Id,
    multi: bool,
    pass: bool,
) -> egui::TextEdit<'_> {
    let field = if multi {
        egui::TextEdit::multiline(text)
    } else {
        egui::TextEdit::singleline(text)
    };
    field.id(id).password(pass)
}

/// A list box: its lines, the selected ones highlighted; a click selects, a double click
/// double-clicks.
fn list(ui: &mut egui::Ui, c: &Control, size: Vec2, done: &mut Vec<DialogAction>) {
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(2))
        .show(ui, |ui| {
            let inner = size - Vec2::splat(6.0);
            ui.set_min_size(inner.max(Vec2::ZERO));
            ui.set_max_size(inner.max(Vec2::ZERO));
            egui::ScrollArea::vertical()
                .id_salt(("dialog_list", c.id))
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.with_layout(Layout::top_down_justified(Align::Min), |ui| {
                        items(ui, c, done);
                    });
                });
        });
}

/// The lines of a list or combo box.
fn items(ui: &mut egui::Ui, c: &Control, done: &mut Vec<DialogAction>) {
    for (i, item) in c.items.iter().enumerate() {
        let r = ui.selectable_label(c.selected.contains(&i), item.as_str());
        if r.double_clicked() {
            done.push(DialogAction::DoubleClick(c.id));
        } else if r.clicked() {
            done.push(DialogAction::Select(c.id, i));
        }
    }
}

/// A combo box: with `drop`, a drop-down (with a text field beside it with `edit`);
/// without, a text field above the list.
fn combo(
    ui: &mut egui::Ui,
    d: &DialogModel,
    c: &Control,
    rect: Rect,
    st: &mut DialogsState,
    done: &mut Vec<DialogAction>,
) {
    let editable = !has_style(c, "drop") || has_style(c, "edit");
    let field_h = ui.spacing().interact_size.y;
    if has_style(c, "drop") {
        let button_w = if editable { 24.0 } else { rect.width() };
        if editable {
            edit(
                ui,
                d,
                c,
                Vec2::new(rect.width() - button_w - 4.0, field_h),
                st,
                done,
            );
        }
        let shown = if editable {
            String::new()
        } else {
            c.text.clone()
        };
        egui::ComboBox::from_id_salt(("dialog_combo", c.id))
            .selected_text(shown)
            .width(button_w)
            .show_ui(ui, |ui| items(ui, c, done));
        return;
    }
    ui.with_layout(Layout::top_down(Align::Min), |ui| {
        edit(ui, d, c, Vec2::new(rect.width(), field_h), st, done);
        let rest = Vec2::new(
            rect.width(),
            (rect.height() - field_h - ui.spacing().item_spacing.y).max(0.0),
        );
        list(ui, c, rest, done);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_survives_snapshots_that_lag_behind_it() {
        let mut b = EditBuffer::new("");
        b.text = "a".into();
        assert_eq!(b.typed(), "a");
        b.text = "ab".into();
        assert_eq!(b.typed(), "ab");
        // A snapshot from before the first change, then one with it: the typing stands.
        b.sync("");
        assert_eq!(b.text, "ab");
        b.sync("a");
        assert_eq!(b.text, "ab");
        b.sync("ab");
        assert_eq!(b.text, "ab");
        // A script replaces the text (/did -ra): shown.
        b.sync("from the script");
        assert_eq!(b.text, "from the script");
        // The user types again after a script change the snapshot has not caught up with.
        b.text = "x".into();
        b.typed();
        b.sync("from the script");
        assert_eq!(b.text, "x");
    }

    #[test]
    fn captions_drop_access_key_marks() {
        assert_eq!(caption("&OK"), "OK");
        assert_eq!(caption("Fish && &Chips"), "Fish & Chips");
    }
}
