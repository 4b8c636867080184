//! Lua beside mSL on one client: commands cross between the engines in every direction,
//! names never clash silently, priorities and HALT/HALTDEF order and stop handlers of both
//! engines, a pre handler's text change reaches the display and later handlers, and
//! unloading a script removes everything it registered.

use rustirc_core::replay::{leading_grants, parse, run, Session};
use rustirc_lang::Limits;
use std::path::PathBuf;
use std::rc::Rc;

/// Writes `scripts` into a fresh folder, loads them in order and runs `transcript`.
fn check(scripts: &[(&str, &str)], transcript: &str) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("rustirc-lua-engines-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let loaded: Vec<(String, Vec<u8>)> = scripts
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            (p.display().to_string(), text.as_bytes().to_vec())
        })
        .collect();
    let steps = parse(transcript).expect("transcript");
    let mut session = Session::with_setup(&loaded, leading_grants(&steps), &|c| {
        c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    });
    let r = run(&steps, &mut session);
    std::fs::remove_dir_all(&dir).ok();
    if let Err(m) = r {
        panic!("{m}");
    }
}

const GREET: &str = r##"
irc.add_command("greet", function(args, raw)
  irc.privmsg(irc.current_channel() or "#c", "Hello, " .. (args[1] or "everyone") .. "!")
end, { help = "Greet someone", usage = "/greet [nick]", aliases = { "hi" } })
"##;

#[test]
fn commands_cross_between_engines() {
    let msl = "alias welcome { greet $1 }\nalias shout { msg #c $upper($1-) }\n";
    let other = r##"
irc.add_command("both", function(args)
  irc.command("/greet " .. args[1])   -- another Lua script's command
  irc.command("/shout " .. args[1])   -- an mSL alias
  return irc.eval("$upper(done) $+ !")
end)
"##;
    check(
        &[
            ("greet.lua", GREET),
            ("aliases.mrc", msl),
            ("both.lua", other),
        ],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
:: #c /greet ann
>> PRIVMSG #c :Hello, ann!
:: #c /hi bob
>> PRIVMSG #c :Hello, bob!
:: #c /welcome cyd
>> PRIVMSG #c :Hello, cyd!
:: #c /both dan
>> PRIVMSG #c :Hello, dan!
>> PRIVMSG #c :DAN
== #c DONE!
",
    );
}

#[test]
fn a_name_another_script_owns_is_refused() {
    let second = r##"
local ok, err = pcall(irc.add_command, "greet", function() return "mine" end)
irc.status("second: " .. tostring(ok) .. " " .. err:match("irc%.add_command: (.*)$"))
local ok2, err2 = pcall(irc.add_command, "msg", function() end)
irc.status("builtin: " .. tostring(ok2) .. " " .. err2:match("irc%.add_command: (.*)$"))
"##;
    check(
        &[("greet.lua", GREET), ("second.lua", second)],
        r"
== status second: false /greet is already registered by another script
== status builtin: false /msg is a built-in command
:: status /join #c
<< :me!me@me.host JOIN #c
:: #c /greet ann
>> PRIVMSG #c :Hello, ann!
",
    );
}

#[test]
fn priorities_and_halting_across_engines() {
    let msl = "on *:TEXT:*:#: echo -s msl saw $1-\n";
    let lua = r##"
irc.on("message", function(e)
  irc.status("lua first saw " .. e.text)
  if e.text == "stop" then return irc.HALT end
  if e.text == "quiet" then return irc.HALTDEF end
end, { priority = 10 })
irc.on("message", function(e) irc.status("lua last saw " .. e.text) end, { priority = -1 })
"##;
    check(
        &[("order.mrc", msl), ("order.lua", lua)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
<< :ann!a@ann.host PRIVMSG #c :hello
== #c <ann> hello
== status lua first saw hello
== status msl saw hello
== status lua last saw hello
<< :ann!a@ann.host PRIVMSG #c :quiet
== status lua first saw quiet
== status msl saw quiet
== status lua last saw quiet
<< :ann!a@ann.host PRIVMSG #c :stop
== status lua first saw stop
!= status msl saw stop
!= status lua last saw stop
",
    );
}

#[test]
fn a_pre_handler_changes_the_text() {
    let lua = r##"
irc.on("message", function(e)
  e.text = e.text:gsub("darn", "d**n")
end, { pre = true })
"##;
    let msl = "on *:TEXT:*:#: echo -s msl saw $1-\n";
    check(
        &[("filter.lua", lua), ("after.mrc", msl)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
<< :ann!a@ann.host PRIVMSG #c :oh darn it
== #c <ann> oh d**n it
!= #c darn
== status msl saw oh d**n it
",
    );
}

#[test]
fn unload_removes_handlers_commands_and_timers() {
    let lua = r##"
irc.on("message", function(e) irc.privmsg(e.channel, "seen " .. e.text) end)
irc.add_command("ping2", function() return "pong2" end)
irc.timer(5000, function() irc.privmsg("#c", "tick") end, 0)
return { name = "Unloadable", version = "2.0", description = "goes away" }
"##;
    check(
        &[("gone.lua", lua)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
:: status /lua list
== status Unloadable 2.0
== status goes away [/ping2]
<< :ann!a@ann.host PRIVMSG #c :one
>> PRIVMSG #c :seen one
@ +5s
>> PRIVMSG #c :tick
:: status /lua unload gone.lua
== status Unloaded script
<< :ann!a@ann.host PRIVMSG #c :two
!> PRIVMSG #c :seen*
@ +10s
!> PRIVMSG #c :tick
:: status /ping2
!= status pong2
:: status /lua list
== status No lua scripts loaded
",
    );
}

#[test]
fn reload_starts_afresh_and_storage_persists() {
    let lua = r##"
local n = (irc.storage.get("runs") or 0) + 1
irc.storage.set("runs", n)
irc.storage.set("profile", { nick = "ann", tags = { "a", "b" } })
irc.add_command("runs", function()
  local p = irc.storage.get("profile")
  return "runs " .. irc.storage.get("runs") .. " " .. p.nick .. " " .. table.concat(p.tags, ",") .. " keys " .. table.concat(irc.storage.keys(), ",")
end)
"##;
    check(
        &[("counter.lua", lua)],
        r"
:: status /runs
== status runs 1 ann a,b keys profile,runs
:: status /lua reload counter.lua
== status Reloaded script
:: status /runs
== status runs 2 ann a,b
",
    );
}

#[test]
fn off_removes_one_handler() {
    let lua = r##"
local h
h = irc.on("message", function(e)
  irc.privmsg(e.channel, "once: " .. e.text)
  irc.off(h)
end)
"##;
    check(
        &[("once.lua", lua)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
<< :ann!a@ann.host PRIVMSG #c :first
>> PRIVMSG #c :once: first
<< :ann!a@ann.host PRIVMSG #c :second
!> PRIVMSG #c :once*
",
    );
}

#[test]
fn state_queries() {
    let lua = r##"
irc.add_command("st", function(args)
  local parts = {}
  for _, u in ipairs(irc.users(args[1])) do
    table.insert(parts, u.prefix .. u.nick .. "/" .. u.modes .. "/" .. tostring(u.address))
  end
  table.sort(parts)
  return table.concat(irc.channels(), ",") .. " " .. table.concat(parts, " ")
    .. " op:" .. tostring(irc.is_op(args[1], "ann")) .. " me:" .. irc.my_nick()
    .. " server:" .. irc.current_server()
end)
"##;
    check(
        &[("state.lua", lua)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
<< :irc.example.net 353 me = #c :me @ann +bob
<< :irc.example.net 366 me #c :End of /NAMES list.
<< :ann!a@ann.host PRIVMSG #c :hi
:: status /st #c
== status #c +bob/v/nil @ann/o/a@ann.host me//me@me.host op:true me:me server:irc.example.net
",
    );
}

#[test]
fn whois_gathers_the_replies() {
    let lua = r##"
irc.add_command("w", function(args)
  irc.whois(args[1], function(r)
    irc.status(r.nick .. " is " .. r.user .. "@" .. r.host .. " (" .. r.realname .. ") on " .. r.server)
  end)
end)
"##;
    check(
        &[("whois.lua", lua)],
        r"
:: status /w ann
>> WHOIS ann
<< :irc.example.net 311 me ann a ann.host * :Ann Example
<< :irc.example.net 312 me ann irc.example.net :Example server
<< :irc.example.net 318 me ann :End of /WHOIS list.
== status ann is a@ann.host (Ann Example) on irc.example.net
",
    );
}

#[test]
fn lua_load_reads_from_the_data_folder() {
    use rustirc_core::client::Client;
    use rustirc_core::state::Config;
    let dir = std::env::temp_dir().join(format!("rustirc-lua-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("late.lua"),
        "irc.add_command('late', function() return 'loaded late' end)\nreturn { name = 'Late', version = '0.1' }\n",
    )
    .unwrap();
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c.set_data_dir(&dir).unwrap();
    c.type_line("status", "/lua load late.lua");
    c.type_line("status", "/late");
    c.type_line("status", "/lua unload late.lua");
    c.type_line("status", "/late");
    let shown: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        shown.iter().any(|t| t.contains("Late 0.1 loaded")),
        "{shown:?}"
    );
    assert!(shown.iter().any(|t| t == "loaded late"), "{shown:?}");
    assert!(
        shown.iter().any(|t| t.contains("Unloaded script")),
        "{shown:?}"
    );
    assert_eq!(
        shown.iter().filter(|t| *t == "loaded late").count(),
        1,
        "{shown:?}"
    );
    assert!(
        shown
            .last()
            .is_some_and(|t| t.contains("unknown command /late")),
        "{shown:?}"
    );
}

#[test]
fn a_failing_completer_is_reported_and_the_word_completes_as_a_nick() {
    let lua = r##"
irc.add_command("poke", function(args) return "poked" end, {
  complete = function(args, word) error("no idea about " .. word) end,
})
"##;
    check(
        &[("poke.lua", lua)],
        r"
<< :me!me@me.host JOIN #c
<< :irc.example.net 353 me = #c :me anna
@ tab #c /poke an
== tab anna
== status no idea about an (in /poke completer of
",
    );
}
