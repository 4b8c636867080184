//! The rainbow-text plugin: `/rainbow TEXT` says TEXT in the active channel or query with
//! every letter in the next colour of the rainbow (mIRC colour codes), and
//! `/rainbow -t TARGET TEXT` says it to TARGET.
//!
//! Built as `librainbow.so` (`cargo build --release -p rustirc-example-rainbow`); load it
//! with `/plugin load librainbow.so`.

use rustirc_plugin_abi::sdk::{Event, Host, Outcome, Plugin};

/// The mIRC colours used, in order: red, orange, yellow, green, light blue, blue, pink.
pub const COLOURS: [u8; 7] = [4, 7, 8, 9, 11, 12, 13];

/// `text` with each character that is not a space coloured in turn (`\x03NN`), ending with a
/// colour reset when anything was coloured.
pub fn make_rainbow(text: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    for c in text.chars() {
        if c.is_whitespace() {
            out.push(c);
            continue;
        }
        out.push_str(&format!("\x03{:02}", COLOURS[i % COLOURS.len()]));
        out.push(c);
        i += 1;
    }
    if i > 0 {
        out.push('\x03');
    }
    out
}

/// The plugin: one command.
pub struct Rainbow {
    command: u64,
}

impl Plugin for Rainbow {
    fn init(host: &Host) -> Result<Rainbow, String> {
        let command = host.register_command(
            "rainbow",
            "Says a line in rainbow colours",
            "/rainbow [-t TARGET] TEXT",
        )?;
        Ok(Rainbow { command })
    }

    fn on_event(&mut self, host: &Host, event: &Event) -> Outcome {
        if event.kind != "COMMAND" || event.hook != self.command {
            return Outcome::Continue;
        }
        let args = event.text.trim();
        let (target, text) = match args.strip_prefix("-t ") {
            Some(rest) => {
                let rest = rest.trim_start();
                let (t, x) = rest.split_once(' ').unwrap_or((rest, ""));
                (t.to_string(), x.trim().to_string())
            }
            None => (host.channel(), args.to_string()),
        };
        if text.is_empty() {
            return Outcome::Error(
                "/rainbow: insufficient parameters (/rainbow [-t TARGET] TEXT)".into(),
            );
        }
        if target.is_empty() || target.eq_ignore_ascii_case("status") {
            return Outcome::Error(
                "/rainbow: the active window is not a channel or query (use -t TARGET)".into(),
            );
        }
        match host.privmsg(&target, &make_rainbow(&text)) {
            Ok(()) => Outcome::Continue,
            Err(e) => Outcome::Error(format!("/rainbow: {e}")),
        }
    }
}

rustirc_plugin_abi::export_plugin!(
    Rainbow,
    name = "rainbow",
    author = "RustIRC",
    description = "Says a line in rainbow colours (/rainbow)",
);

#[cfg(test)]
mod tests {
    use super::make_rainbow;

    #[test]
    fn letters_cycle_through_the_colours_and_spaces_stay_plain() {
        assert_eq!(make_rainbow("ab c"), "\x0304a\x0307b \x0308c\x03");
        assert_eq!(make_rainbow(""), "");
        let long = make_rainbow("abcdefgh");
        assert!(long.starts_with("\x0304a"));
        assert!(long.contains("\x0313g\x0304h"), "{long:?}");
    }
}
