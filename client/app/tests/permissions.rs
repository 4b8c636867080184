//! Per-script permissions through every engine: mSL and Lua scripts and native plugins are
//! refused what they were not granted (an error at once, a request for the GUI, a line in the
//! audit log) and allowed it once granted; a timer runs with its creator's permissions and a call into
//! another script or engine with the caller's. `rustirc perms` keeps and shows the answers.
//! `ui` covers sounds and desktop notifications, not the window title.

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rustirc-perms-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rustirc(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(args)
        .output()
        .expect("run rustirc");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `transcript` with `scripts` (name, text) loaded in order; panics with the output
/// when it fails.
fn replay(d: &Path, scripts: &[(&str, &str)], transcript: &str) {
    let mut args: Vec<String> = vec!["replay".into()];
    for (name, text) in scripts {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        args.push("--load".into());
        args.push(p.display().to_string());
    }
    let t = d.join("t.txt");
    std::fs::write(&t, transcript).unwrap();
    args.push(t.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = rustirc(&args);
    assert_eq!(code, 0, "{out}{err}");
}

const GRANTED_MRC: &str =
    "; name: granted\n; permissions: run\nalias dorun run true | echo -s dorun ran\n";
const PLAIN_MRC: &str = "; name: plain\non *:TEXT:!t:#: .timer 1 1 run true\nalias callrun luarun\nalias mytimer .timer 1 1 dorun\n";
const GRANTED_LUA: &str = "irc.add_command('luarun', function() irc.command('/run true'); irc.print('luarun ran') end)\n\
irc.add_command('luatimer', function() irc.timer(1000, function() irc.command('/run true'); irc.print('lua timer ran') end) end)\n\
return { name = 'glua', version = '1.0', permissions = { 'run' } }\n";
const PLAIN_LUA: &str = "irc.add_command('lplain', function() irc.command('/run true'); irc.print('lplain ran') end)\n\
irc.add_command('lcall', function() irc.command('/dorun') end)\n\
irc.add_command('lread', function() irc.print('tmp: ' .. irc.eval('$isdir(/tmp)')) end)\n\
irc.add_command('ltimer', function() irc.timer(1000, function() irc.command('/run true'); irc.print('plain timer ran') end) end)\n\
return { name = 'plua', version = '1.0' }\n";

#[test]
fn msl_and_lua_are_refused_without_the_grant_and_allowed_with_it() {
    let d = dir("engines");
    replay(
        &d,
        &[
            ("granted.mrc", GRANTED_MRC),
            ("plain.mrc", PLAIN_MRC),
            ("granted.lua", GRANTED_LUA),
            ("plain.lua", PLAIN_LUA),
        ],
        "@ allow granted run\n@ allow glua run\n\
         :: status /dorun\n== status dorun ran\n!= perms granted\n\
         :: status /lplain\n== status plua is not allowed to run true\n!= status lplain ran\n\
         == perms plua asks for run: run true\n== audit \"script\":\"plua\"\n\
         @ answer plua run once\n== audit \"event\":\"grant-once\"\n\
         :: status /lplain\n== status lplain ran\n!= perms plua\n\
         :: status /lread\n== status plua is not allowed to read /tmp\n\
         == perms plua asks for file-read:/tmp: read /tmp\n\
         @ answer plua file-read:/tmp always\n:: status /lread\n== status tmp: $true\n\
         :: status /luarun\n== status luarun ran\n",
    );
}

#[test]
fn scripts_stats_counts_lua_and_msl_work() {
    let d = dir("stats");
    replay(
        &d,
        &[
            (
                "busy.lua",
                "irc.on('message', function(e) local n = 0 for i = 1, 100000 do n = n + i end if e.text == '!boom' then error('boom') end end)\n\
                 return { name = 'busy', version = '1.0' }\n",
            ),
            ("quiet.mrc", "; name: quiet\non *:TEXT:*:#: noop\n"),
        ],
        "<< :me!me@me.host JOIN #c\n<< :bob!b@h PRIVMSG #c :hi\n<< :bob!b@h PRIVMSG #c :!boom\n\
         :: status /scripts stats\n\
         == status * busy: events 2, errors 1, budget exhaustions 0, instructions \n\
         == status last fault: \n== status * quiet: events 2, errors 0, budget exhaustions 0, instructions \n\
         != status busy: events 2, errors 1, budget exhaustions 0, instructions 0,\n\
         :: status /scripts\n== status expected /scripts stats\n",
    );
}

#[test]
fn a_timer_runs_with_its_creators_permissions() {
    let d = dir("timers");
    replay(
        &d,
        &[
            ("granted.mrc", GRANTED_MRC),
            ("plain.mrc", PLAIN_MRC),
            ("granted.lua", GRANTED_LUA),
            ("plain.lua", PLAIN_LUA),
        ],
        "@ allow granted run\n@ allow glua run\n\
         << :me!me@me.host JOIN #c\n\
         << :bob!b@h PRIVMSG #c :!t\n@ +2s\n== status plain is not allowed to run true\n\
         == perms plain asks for run: run true\n\
         :: status /timer 1 1 run true\n@ +2s\n!= status not allowed\n\
         :: status /luatimer\n@ +2s\n== status lua timer ran\n!= status not allowed\n\
         :: status /ltimer\n@ +2s\n== status plua is not allowed to run true\n!= status plain timer ran\n",
    );
}

#[test]
fn calls_into_other_scripts_run_with_the_callers_permissions() {
    let d = dir("callers");
    replay(
        &d,
        &[
            ("granted.mrc", GRANTED_MRC),
            ("plain.mrc", PLAIN_MRC),
            ("granted.lua", GRANTED_LUA),
            ("plain.lua", PLAIN_LUA),
        ],
        "@ allow granted run\n@ allow glua run\n\
         :: status /luarun\n== status luarun ran\n\
         :: status /callrun\n== status plain is not allowed to run true\n!= status luarun ran\n\
         :: status /lcall\n== status plua is not allowed to run true\n!= status dorun ran\n\
         :: status /dorun\n== status dorun ran\n",
    );
}

#[test]
fn perms_keeps_answers_and_shows_the_log() {
    let d = dir("cli");
    let data = d.join("data");
    let data_s = data.display().to_string();
    let (code, out, err) = rustirc(&[
        "perms",
        "--data",
        &data_s,
        "grant",
        "weather",
        "network",
        "file-read:/srv/forecasts",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("weather: granted network"), "{out}");
    let (_, out, _) = rustirc(&["perms", "--data", &data_s, "list"]);
    assert!(
        out.contains("weather: granted network, file-read:/srv/forecasts; denied -"),
        "{out}"
    );
    let (code, _, err) = rustirc(&["perms", "--data", &data_s, "grant", "weather", "networks"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad permission 'networks'"), "{err}");
    let (_, out, _) = rustirc(&["perms", "--data", &data_s, "revoke", "weather", "network"]);
    assert!(out.contains("weather: revoked network"), "{out}");
    let (_, out, _) = rustirc(&["perms", "--data", &data_s, "list"]);
    assert!(
        out.contains("weather: granted file-read:/srv/forecasts;"),
        "{out}"
    );
    let (_, out, _) = rustirc(&["perms", "--data", &data_s, "reset", "weather"]);
    assert!(out.contains("forgot the answers about weather"), "{out}");
    let (_, out, _) = rustirc(&["perms", "--data", &data_s, "list"]);
    assert!(out.starts_with("no answers kept"), "{out}");
    let (_, out, _) = rustirc(&["perms", "--data", &data_s, "log", "weather"]);
    let events: Vec<String> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            format!(
                "{} {}",
                v["event"].as_str().unwrap(),
                v["permission"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            "grant-always network",
            "grant-always file-read:/srv/forecasts",
            "revoke network",
            "reset "
        ]
    );
    let (code, _, err) = rustirc(&["perms", "--data", &data_s, "frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("expected list, log, grant, revoke or reset"),
        "{err}"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_bad_grant_flag_stops_the_headless_client_before_it_connects() {
    let (code, _, err) = rustirc(&[
        "--headless",
        "--server",
        "127.0.0.1:1",
        "--nick",
        "x",
        "--grant",
        "bot=network,execute",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--grant bot=network,execute: bad permission 'execute'"),
        "{err}"
    );
    let (code, _, err) = rustirc(&[
        "--headless",
        "--server",
        "127.0.0.1:1",
        "--nick",
        "x",
        "--grant",
        "network",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("expected NAME=PERMISSION[,PERMISSION]"),
        "{err}"
    );
}

#[test]
fn script_stats_count_timers_and_commands_and_the_cli_shows_them() {
    use rustirc_core::client::Client;
    use rustirc_core::state::Config;
    let d = dir("stats-file");
    let mut c = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    c.set_data_dir(&d).unwrap();
    c.add_engine(std::rc::Rc::new(rustirc_lua::LuaEngine::new(
        rustirc_lang::Limits::default(),
    )));
    c.load_script(
        "ticker.mrc",
        b"; name: ticker\nalias tick .timer 3 1 spin\nalias spin { var %i = 0 | while (%i < 50) { inc %i } }\n",
    );
    c.load_script(
        "cmds.lua",
        b"irc.add_command('hello', function() irc.print('hello') end)\n\
irc.add_command('bad', function() error('boom') end)\n\
return { name = 'cmds' }\n",
    );
    c.type_line("status", "/tick");
    for s in 1..=3 {
        c.tick(s * 1000);
    }
    c.type_line("status", "/hello");
    c.type_line("status", "/bad");
    c.save();
    let data = d.display().to_string();
    let (code, out, err) = rustirc(&["script", "stats", "--data", &data]);
    assert_eq!(code, 0, "{out}{err}");
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("* {name}:")))
            .unwrap_or_else(|| panic!("no line for {name}: {out}"))
            .to_string()
    };
    let ticker = line("ticker");
    assert!(ticker.contains("timers 3, commands 0"), "{ticker}");
    let spent: u64 = ticker
        .split("instructions ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(spent > 0, "{ticker}");
    let cmds = line("cmds");
    assert!(cmds.contains("errors 1,"), "{cmds}");
    assert!(cmds.contains("timers 0, commands 2"), "{cmds}");
    assert!(out.contains("last fault:") && out.contains("boom"), "{out}");
    assert!(out.starts_with("* Written by the client"), "{out}");

    // Without the file: a clear error.
    let empty = dir("stats-none");
    let (code, _, err) = rustirc(&["script", "stats", "--data", &empty.display().to_string()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no statistics in") && err.contains("script-stats.json"),
        "{err}"
    );
}

const PAGER_MRC: &str = "; name: pager\n; permissions: ui\n\
on *:TEXT:!page:#: write page.wav RIFF | splay page.wav | tip $nick paged you | titlebar paged by $nick\n\
alias pageread splay /etc/hostname\n";
const QUIET_MRC: &str =
    "; name: quiet\nalias settitle titlebar at lunch | echo -s title: $titlebar\nalias qtip tip hello\n";

#[test]
fn sounds_and_notifications_need_ui_and_the_title_does_not() {
    let d = dir("ui");
    // Without a grant: refused with a clear error, a request and an audit line; the title is
    // every script's.
    replay(
        &d,
        &[("pager.mrc", PAGER_MRC), ("quiet.mrc", QUIET_MRC)],
        "<< :me!me@me.host JOIN #c\n<< :bob!b@h PRIVMSG #c :!page\n\
         == status /splay: pager is not allowed to play sounds and show desktop notifications; to allow it, grant it \"ui\"\n\
         == perms pager asks for ui: play sounds\n\
         == audit pager.mrc\",\"permission\":\"ui\",\"script\":\"pager\"\n\
         != alert sound\n!= alert titlebar\n\
         :: status /qtip\n== status /tip: quiet is not allowed to play sounds\n!= alert notify\n\
         :: status /settitle\n== alert titlebar at lunch\n== status title: at lunch\n\
         :: status /tip typed by me\n== alert notify RustIRC: typed by me\n\
         :: status /splay nothing.wav\n== status /splay: no such file\n!= alert sound\n",
    );
    // With the grant (as --grant or [permissions] give it).
    replay(
        &d,
        &[("pager.mrc", PAGER_MRC), ("quiet.mrc", QUIET_MRC)],
        "@ allow pager ui\n\
         << :me!me@me.host JOIN #c\n<< :bob!b@h PRIVMSG #c :!page\n\
         == alert sound /\n== alert notify pager: bob paged you\n== alert titlebar paged by bob\n\
         !> PRIVMSG\n!= perms pager\n\
         :: status /pageread\n== status pager is not allowed to read /etc/hostname\n\
         :: status /qtip\n!= alert notify\n\
         @ answer quiet ui once\n:: status /qtip\n== alert notify quiet: hello\n",
    );
}

/// Runs `transcript` with the native plugin `lib` loaded, through `rustirc replay`.
fn replay_plugin(d: &Path, lib: &Path, transcript: &str) {
    let t = d.join("t.txt");
    std::fs::write(&t, transcript).unwrap();
    let (code, out, err) = rustirc(&[
        "replay",
        "--load",
        &lib.display().to_string(),
        &t.display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_native_plugins_host_call_is_refused_without_the_grant() {
    let d = dir("native");
    let lib = rustirc_native::testing::build_c(
        &rustirc_native::testing::repo_root().join("plugins/native/tests/c/perms.c"),
        &d.join("libpermtest.so"),
        &["-DPERMS=\"run\""],
    )
    .unwrap();
    // The plugin's /tryrun asks the host to run `/run true` and prints what happened.
    replay_plugin(
        &d,
        &lib,
        ":: status /plugin info permtest\n== status permissions: run\n\
         :: status /tryrun\n\
         == status permtest: refused /run true: error: /run: permtest is not allowed to run true; to allow it, grant it \"run\"\n\
         != status permtest: ran\n\
         == perms permtest asks for run: run true\n\
         == audit \"permission\":\"run\",\"script\":\"permtest\"\n\
         @ answer permtest run once\n:: status /tryrun\n== status permtest: ran /run true\n",
    );
    // Granted ahead, as --grant permtest=run or [permissions] do.
    replay_plugin(
        &d,
        &lib,
        "@ allow permtest run\n:: status /tryrun\n== status permtest: ran /run true\n!= perms permtest\n",
    );
}
