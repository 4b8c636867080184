//! Escape attempts: a Lua script must not reach files, processes, the environment, native
//! code or the debug library, whichever way it asks; each attempt fails with an error that
//! says what was refused, and the script's next command still runs.

use rustirc_core::client::Client;
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::rc::Rc;

fn client() -> Client {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c
}

/// Runs `code` as the body of command `/t` and returns what was shown.
fn attempt(code: &str) -> String {
    let mut c = client();
    let script = format!(
        "irc.add_command('t', function()\n{code}\nend)\nirc.add_command('ok', function() return 'still here' end)\n"
    );
    c.load_script("escape.lua", script.as_bytes());
    c.take_output();
    c.type_line("status", "/t");
    let shown: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    c.type_line("status", "/ok");
    let after: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    assert_eq!(after, ["still here"], "the script's next command must run");
    shown.join("\n")
}

fn refused(code: &str, want: &str) {
    let out = attempt(code);
    assert!(
        out.contains(want) && out.contains("escape.lua"),
        "{code}: expected an error containing '{want}', got: {out}"
    );
}

#[test]
fn processes_files_and_environment_are_refused() {
    refused("os.execute('id')", "os.execute is not available");
    refused("os.exit(1)", "os.exit is not available");
    refused("os.remove('/tmp/x')", "os.remove is not available");
    refused("os.getenv('HOME')", "os.getenv is not available");
    refused("io.open('/etc/passwd')", "io.open is not available");
    refused("io.popen('id')", "io.popen is not available");
    refused("io.write('x')", "io.write is not available");
    refused(
        "rawget(_G, 'os').execute('id')",
        "os.execute is not available",
    );
    refused(
        "rawget(_G, 'io').open('/etc/passwd')",
        "io.open is not available",
    );
}

#[test]
fn loading_code_from_outside_is_refused() {
    refused("loadfile('/etc/passwd')", "loadfile is not available");
    refused("dofile('/etc/passwd')", "dofile is not available");
    refused("require('os')", "require is not available");
    refused(
        "package.loadlib('libc.so.6', 'system')",
        "package.loadlib is not available",
    );
    refused("local x = package.cpath", "package.cpath is not available");
    refused("string.dump(print)", "string.dump is not available");
    refused(
        "getmetatable('').__index.dump(print)",
        "string.dump is not available",
    );
    refused("('x').dump(print)", "string.dump is not available");
    // A precompiled chunk (Lua 5.4's header) is refused, whatever mode is asked for.
    refused(
        "local f, e = load('\\27LuaT\\0\\25\\147\\r\\n\\26\\n\\4\\8\\8'); error(e)",
        "attempt to load a binary chunk",
    );
    refused(
        "load('return 1', 'x', 'b')",
        "only text chunks may be loaded",
    );
    // Text still loads.
    let out = attempt("irc.print(load('return 6 * 7')())");
    assert_eq!(out, "42");
}

#[test]
fn the_debug_library_is_refused() {
    refused("debug.sethook()", "debug.sethook is not available");
    refused("debug.getregistry()", "debug.getregistry is not available");
    refused(
        "rawget(_G, 'debug').getinfo(1)",
        "debug.getinfo is not available",
    );
    // The string metatable leads to the string table only, which has no debug functions.
    let out = attempt("irc.print(tostring(getmetatable('').__index.sethook))");
    assert_eq!(out, "nil");
}

#[test]
fn what_remains_works() {
    let out = attempt(
        "irc.print(string.format('%d %s %s', math.floor(2.5), utf8.char(233), table.concat({'a','b'}, ',')), type(os.time()), type(os.clock()), os.date('!%Y', 0))",
    );
    assert_eq!(out, "2 é a,b number number 1970");
}
