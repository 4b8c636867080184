//! Managing loaded scripts: `requires` refuses a script written for a newer client, and
//! `/lua disable` and `/lua enable` stop and resume a script without losing its state.

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

const COUNTER: &[u8] = br#"
local n = 0
irc.on("signal", function(e) n = n + 1 end)
irc.add_command("count", function() return "count " .. n end)
irc.timer(1000, function() n = n + 100 end)
return { name = "Counter", version = "1.0" }
"#;

#[test]
fn disable_and_enable_keep_the_state() {
    let mut c = client();
    c.load_script("counter.lua", COUNTER);
    shown(&mut c);
    c.type_line("status", "/signal bump");
    assert_eq!(typed(&mut c, "/count"), ["count 1"]);
    assert_eq!(
        typed(&mut c, "/lua disable Counter"),
        ["* lua: Counter (counter.lua) disabled"]
    );
    assert!(typed(&mut c, "/lua list")
        .iter()
        .any(|t| t.contains("(counter.lua)") && t.ends_with("(disabled)")));
    c.type_line("status", "/signal bump");
    c.tick(5000);
    let out = typed(&mut c, "/count").join("\n");
    assert!(
        out.contains("Counter is disabled; /lua enable Counter runs it again"),
        "{out}"
    );
    assert_eq!(
        typed(&mut c, "/lua enable counter.lua"),
        ["* lua: Counter (counter.lua) enabled"]
    );
    assert_eq!(
        typed(&mut c, "/count"),
        ["count 1"],
        "nothing ran while disabled"
    );
    assert!(!typed(&mut c, "/lua list")
        .iter()
        .any(|t| t.ends_with("(disabled)")));
}

#[test]
fn enable_brings_back_a_script_that_kept_failing() {
    let mut c = client();
    c.load_script(
        "flaky.lua",
        b"local bad = true\nirc.add_command('boom', function() if bad then error('bad day') end return 'fine' end)\nirc.add_command('fix', function() bad = false end)",
    );
    shown(&mut c);
    for _ in 0..rustirc_lua::MAX_ERRORS_IN_A_ROW {
        c.type_line("status", "/boom");
    }
    let out = shown(&mut c).join("\n");
    assert!(
        out.contains(
            "flaky.lua disabled after 5 errors in a row; /lua enable flaky to run it again"
        ),
        "{out}"
    );
    assert!(typed(&mut c, "/lua list")
        .iter()
        .any(|t| t.ends_with("(disabled)")));
    typed(&mut c, "/lua enable flaky");
    typed(&mut c, "/fix");
    assert_eq!(typed(&mut c, "/boom"), ["fine"]);
}

#[test]
fn enable_names_an_unknown_script() {
    let mut c = client();
    let out = typed(&mut c, "/lua enable nosuch").join("\n");
    assert!(out.contains("no lua script 'nosuch' loaded"), "{out}");
}
