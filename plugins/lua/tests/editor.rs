//! The script editor with Lua: the diagnostics of a text as it is typed come from the Lua
//! engine's check, placed on their line, and applying a text replaces the loaded script
//! (its new command answers at once) or refuses a broken one.

use rustirc_core::client::{Applied, Client};
use rustirc_core::editor::Severity;
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::rc::Rc;

fn client() -> Client {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c
}

#[test]
fn lua_diagnostics_and_apply() {
    let mut c = client();
    assert!(c.diagnostics("hi.lua", "local x = 1\n").is_empty());
    let d = c.diagnostics("hi.lua", "local x = 1\nlocal y = = 2\n");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].severity), (2, Severity::Error));
    let v1 = "irc.add_command('hi', function() irc.command('echo -s one') end)";
    assert!(matches!(
        c.apply_script("hi.lua", v1),
        Ok(Applied::Loaded(_))
    ));
    c.run_command("/hi");
    assert!(c.take_output().shown.iter().any(|(_, t)| t == "one"));
    let v2 = "irc.add_command('hi', function() irc.command('echo -s two') end)";
    assert!(matches!(
        c.apply_script("hi.lua", v2),
        Ok(Applied::Replaced(_))
    ));
    c.run_command("/hi");
    assert!(c.take_output().shown.iter().any(|(_, t)| t == "two"));
    assert!(c.apply_script("hi.lua", "irc.add_command(").is_err());
    c.run_command("/hi");
    assert!(c.take_output().shown.iter().any(|(_, t)| t == "two"));
}
