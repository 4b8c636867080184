//! A template for a native RustIRC plugin: a `/hello` command and a greeting for whoever
//! joins a channel. Copy the folder, rename the crate and the plugin, and build with
//! `cargo build --release`; the plugin is `target/release/libmy_plugin.so`.

use rustirc_plugin_abi::sdk::{Event, Host, Outcome, Plugin};

/// The plugin's state: what it registered.
pub struct MyPlugin {
    hello: u64,
    join: u64,
}

impl Plugin for MyPlugin {
    fn init(host: &Host) -> Result<MyPlugin, String> {
        let hello = host.register_command("hello", "Says hello", "/hello [NAME]")?;
        let join = host.hook_event("JOIN", 0)?;
        Ok(MyPlugin { hello, join })
    }

    fn on_event(&mut self, host: &Host, event: &Event) -> Outcome {
        if event.hook == self.hello {
            let who = if event.text.is_empty() {
                "world"
            } else {
                event.text.as_str()
            };
            let _ = host.print(None, &format!("Hello, {who}!"));
        } else if event.hook == self.join {
            let nick = event.nick.clone().unwrap_or_default();
            if nick != host.nick() {
                let _ = host.print(event.channel.as_deref(), &format!("{nick} joined"));
            }
        }
        Outcome::Continue
    }
}

rustirc_plugin_abi::export_plugin!(
    MyPlugin,
    name = "my_plugin",
    author = "Your Name",
    description = "What it does, in one line",
    // What it asks for beyond IRC and its storage, comma-separated ("network, run").
    permissions = "",
);
