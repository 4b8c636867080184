//! The connect dialog and the server list: a server, a nick and channels; connecting adds
//! the network to the config file's `[[network]]` list when it is not there yet.

use crate::ui::{Act, Options};

/// The dialog's state.
#[derive(Default)]
pub struct ConnectState {
    /// It is shown.
    pub open: bool,
    /// `host:port`, `host:+port` for TLS.
    pub server: String,
    /// The nick.
    pub nick: String,
    /// Channels, separated by commas.
    pub channels: String,
    /// What went wrong saving to the config file.
    pub error: Option<String>,
}

/// Draws the dialog, with the config file's networks to pick from.
pub fn show(ctx: &egui::Context, st: &mut ConnectState, options: &Options, acts: &mut Vec<Act>) {
    if !st.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Connect")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            let saved = options
                .config_file
                .as_deref()
                .and_then(|p| rustirc_core::settings::Settings::load(p).ok())
                .map(|s| s.networks)
                .unwrap_or_default();
            if !saved.is_empty() {
                ui.label("Saved networks:");
                for n in &saved {
                    let label = format!(
                        "{} ({})",
                        n.name.clone().unwrap_or_default(),
                        n.server.clone().unwrap_or_default()
                    );
                    if ui.button(label).clicked() {
                        st.server = n.server.clone().unwrap_or_default();
                        st.nick = n.nick.clone().unwrap_or_default();
                        st.channels = n.channels.join(",");
                    }
                }
                ui.separator();
            }
            egui::Grid::new("connect_grid").show(ui, |ui| {
                for (label, field) in [
                    ("Server", &mut st.server),
                    ("Nick", &mut st.nick),
                    ("Channels", &mut st.channels),
                ] {
                    let l = ui.label(label);
                    ui.text_edit_singleline(field).labelled_by(l.id);
                    ui.end_row();
                }
            });
            if let Some(e) = &st.error {
                ui.colored_label(egui::Color32::RED, e);
            }
            let ready = !st.server.trim().is_empty() && !st.nick.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new("Connect"))
                .clicked()
            {
                acts.push(Act::Connect {
                    server: st.server.trim().to_string(),
                    nick: st.nick.trim().to_string(),
                    channels: st.channels.trim().to_string(),
                });
                st.open = false;
            }
        });
    if !open {
        st.open = false;
    }
}

/// Adds the network to the config file (made if missing) unless a network with that server
/// is there already.
///
/// # Errors
/// When the file cannot be read, parsed or written.
pub fn save(options: &Options, server: &str, nick: &str, channels: &str) -> Result<(), String> {
    let Some(path) = &options.config_file else {
        return Ok(());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let settings = rustirc_core::settings::Settings::parse(&text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if settings
        .networks
        .iter()
        .any(|n| n.server.as_deref() == Some(server))
    {
        return Ok(());
    }
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let chans: Vec<String> = channels
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(quote)
        .collect();
    let mut out = text;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!(
        "\n[[network]]\nname = {}\nserver = {}\nnick = {}\nchannels = [{}]\n",
        quote(server.split(':').next().unwrap_or(server)),
        quote(server),
        quote(nick),
        chans.join(", ")
    ));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    rustirc_core::persist::write_atomic(path, out.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}
