//! A plugin for the tests: `/panicky` panics inside the plugin; `/calm` prints a line, to show
//! the plugin still works after its panic was caught.

use rustirc_plugin_abi::sdk::{Event, Host, Outcome, Plugin};

/// The plugin.
pub struct Panicky {
    panic: u64,
}

impl Plugin for Panicky {
    fn init(host: &Host) -> Result<Panicky, String> {
        let panic = host.register_command("panicky", "Panics", "/panicky")?;
        host.register_command("calm", "Prints a line", "/calm")?;
        Ok(Panicky { panic })
    }

    fn on_event(&mut self, host: &Host, event: &Event) -> Outcome {
        if event.hook == self.panic {
            let v: Vec<u8> = Vec::new();
            let i = event.text.len() + 3;
            // An index out of bounds: a real panic inside the plugin's code.
            return Outcome::Error(format!("unreachable {}", v[i]));
        }
        let _ = host.print(None, "still calm");
        Outcome::Continue
    }
}

rustirc_plugin_abi::export_plugin!(
    Panicky,
    name = "panicky",
    author = "RustIRC tests",
    description = "Panics on /panicky",
);
