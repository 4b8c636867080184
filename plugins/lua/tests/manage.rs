//! Managing loaded scripts: `requires` refuses a script written for a newer client.

use rustirc_core::client::Client;
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::rc::Rc;

fn client() -> Client {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c
}

fn shown(c: &mut Client) -> Vec<String> {
    c.take_output().shown.into_iter().map(|(_, t)| t).collect()
}

fn typed(c: &mut Client, line: &str) -> Vec<String> {
    c.type_line("status", line);
    shown(c)
}

#[test]
fn versions_compare_part_by_part() {
    use rustirc_lua::compare_versions;
    use std::cmp::Ordering::*;
    assert_eq!(compare_versions("0.10", "0.9"), Some(Greater));
    assert_eq!(compare_versions("1", "1.0.0"), Some(Equal));
    assert_eq!(compare_versions("0.1", "0.2"), Some(Less));
    assert_eq!(compare_versions("abc", "0.1"), None);
}

#[test]
fn a_script_requiring_a_newer_client_is_refused() {
    let mut c = client();
    c.load_script(
        "future.lua",
        br#"irc.add_command("future", function() return "ran" end)
return { name = "Future", requires = "999.0" }"#,
    );
    let out = shown(&mut c).join("\n");
    assert!(
        out.contains(&format!(
            "Future (future.lua) requires RustIRC 999.0 or later; this is RustIRC {}",
            rustirc_core::VERSION
        )),
        "{out}"
    );
    assert!(typed(&mut c, "/lua list")
        .join("\n")
        .contains("No lua scripts loaded"));
    let out = typed(&mut c, "/future").join("\n");
    assert!(!out.contains("ran"), "its command went with it: {out}");
}

#[test]
fn a_script_requiring_an_older_client_loads() {
    let mut c = client();
    c.load_script(
        "past.lua",
        br#"irc.add_command("past", function() return "ran" end)
return { name = "Past", version = "1.0", requires = "0.1" }"#,
    );
    assert!(shown(&mut c)
        .iter()
        .any(|t| t == "* Past 1.0 loaded (past.lua)"));
    assert_eq!(typed(&mut c, "/past"), ["ran"]);
}

#[test]
fn a_bad_requires_is_refused() {
    let mut c = client();
    c.load_script("odd.lua", br#"return { requires = "soon" }"#);
    let out = shown(&mut c).join("\n");
    assert!(out.contains("is not a version"), "{out}");
}
