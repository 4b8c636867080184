//! Calling for the user's attention outside the window: desktop notifications (through
//! `notify-send`, where the desktop offers it) and sounds (through `paplay` or `aplay`, where
//! a sound device exists). What to notify is decided by the view ([`super::view::View`]'s
//! notices) and the user's `[alerts]` settings; this module only carries it out.

use std::path::{Path, PathBuf};

/// Something to bring to the user's attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// A desktop notification.
    Notify {
        /// Its title.
        title: String,
        /// Its text.
        text: String,
    },
    /// A sound: this file, or the desktop's bell.
    Sound(Option<PathBuf>),
}

/// Carries out a [`Signal`]; the window holds one (tests give it one that records).
pub type Signaller = Box<dyn FnMut(&Signal) + Send>;

/// The first of `programs` found on `PATH`.
fn find(programs: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    programs.iter().find_map(|p| {
        std::env::split_paths(&path)
            .map(|d| d.join(p))
            .find(|f| f.is_file())
    })
}

/// The desktop's bell sound, when the freedesktop sound theme is installed.
fn bell() -> Option<PathBuf> {
    [
        "/usr/share/sounds/freedesktop/stereo/bell.oga",
        "/usr/share/sounds/freedesktop/stereo/message.oga",
    ]
    .iter()
    .map(Path::new)
    .find(|p| p.is_file())
    .map(Path::to_path_buf)
}

/// `&`, `<` and `>` as notification daemons' markup writes them.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The signaller of the desktop: starts `notify-send` or a sound player without waiting
/// for it; does nothing where neither exists.
pub fn desktop() -> Signaller {
    Box::new(|s: &Signal| {
        let spawned = match s {
            Signal::Notify { title, text } => find(&["notify-send"]).map(|p| {
                // `--`: a line such as `-bob- hi` is text, not options; the daemon reads
                // markup, which other people's text must not carry.
                std::process::Command::new(p)
                    .args(["--app-name=RustIRC", "--", &escape(title), &escape(text)])
                    .spawn()
            }),
            Signal::Sound(file) => {
                let Some(file) = file.clone().or_else(bell) else {
                    return;
                };
                find(&["paplay", "aplay"]).map(|p| std::process::Command::new(p).arg(file).spawn())
            }
        };
        // Reap the child in the background so it does not linger as a zombie.
        if let Some(Ok(mut child)) = spawned {
            std::thread::spawn(move || child.wait());
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape("<a href=x>&</a>"),
            "&lt;a href=x&gt;&amp;&lt;/a&gt;"
        );
    }
}
