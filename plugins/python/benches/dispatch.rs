//! Python handler dispatch beside mSL's and Lua's: how long one incoming PRIVMSG takes through
//! the whole client with one `on TEXT` handler written in mSL, Lua or Python, for a few
//! handler bodies. A Python handler runs in the script's worker process, so its time
//! includes the round trip over the socket pair (and one more for each `irc` call). The
//! "per handler" columns subtract the same client with no handler at all.
//!
//! `cargo bench -p rustirc-python --bench dispatch [-- MESSAGES]` (the worker must be built
//! in the same profile: `cargo build --release -p rustirc-python-worker`)

use rustirc_core::client::Client;
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::rc::Rc;
use std::time::Instant;

/// The allocator the `rustirc` binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A registered client on #chan with `script` loaded (`None`: no script).
fn client(script: Option<(&str, &str)>) -> Client {
    let mut config = Config::new("me");
    config.caps.clear();
    config.flood.enabled = false;
    config.mode_on_join = false;
    let mut c = Client::new(config, Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c.add_engine(Rc::new(
        rustirc_python::PythonEngine::new(Limits::default()),
    ));
    if let Some((name, text)) = script {
        let r = c.load_script(name, text.as_bytes());
        assert!(!r.has_errors(), "{name} does not load");
    }
    c.net.set_target("irc.example.net", 6667);
    c.input(rustirc_core::state::Input::Connected);
    for line in [
        ":irc.example.net 001 me :Welcome",
        ":irc.example.net 005 me PREFIX=(ov)@+ CHANTYPES=# :are supported",
        ":me!me@me.host JOIN #chan",
        ":ann!a@ann.host JOIN #chan",
    ] {
        c.recv_line(line);
    }
    c.take_output();
    c
}

/// Mean µs per message, best of 5 rounds of `n`.
fn per_message(c: &mut Client, n: usize) -> f64 {
    let line = ":ann!a@ann.host PRIVMSG #chan :hello there how are you";
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for i in 0..n {
            c.recv_line(line);
            if i % 256 == 0 {
                c.take_output();
            }
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / n as f64);
        c.take_output();
    }
    best
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "empty handler",
            "on *:TEXT:*:#:{ }\n",
            "irc.on('message', function(e) end)\n",
            "import irc\ndef on_message(e):\n    pass\n",
        ),
        (
            "test the text (no match)",
            "on *:TEXT:*:#:{ if ($1 == !ping) msg $chan pong $nick }\n",
            "irc.on('message', function(e) if e.text:match('^!ping') then irc.privmsg(e.channel, 'pong ' .. e.nick) end end)\n",
            "import irc\ndef on_message(e):\n    if e.text.startswith('!ping'):\n        irc.privmsg(e.channel, 'pong ' + e.nick)\n",
        ),
        (
            "ask the client ($me / irc.my_nick)",
            "on *:TEXT:*:#:{ if ($nick == $me) return }\n",
            "irc.on('message', function(e) if e.nick == irc.my_nick() then return end end)\n",
            "import irc\ndef on_message(e):\n    if e.nick == irc.my_nick():\n        return\n",
        ),
        (
            "reply (one PRIVMSG sent)",
            "on *:TEXT:*:#:{ msg $chan $nick said $1- }\n",
            "irc.on('message', function(e) irc.privmsg(e.channel, e.nick .. ' said ' .. e.text) end)\n",
            "import irc\ndef on_message(e):\n    irc.privmsg(e.channel, e.nick + ' said ' + e.text)\n",
        ),
    ];
    let base = per_message(&mut client(None), n);
    println!("{n} PRIVMSGs through the client, best of 5; µs per message");
    println!();
    println!("| handler body | mSL µs/msg | Lua µs/msg | Python µs/msg | mSL per handler | Lua per handler | Python per handler |");
    println!("|---|---|---|---|---|---|---|");
    println!("| no handler | {base:.2} | {base:.2} | {base:.2} | – | – | – |");
    for (what, msl, lua, py) in cases {
        let m = per_message(&mut client(Some(("bench.mrc", msl))), n);
        let l = per_message(&mut client(Some(("bench.lua", lua))), n);
        let p = per_message(&mut client(Some(("bench.py", py))), n);
        println!(
            "| {what} | {m:.2} | {l:.2} | {p:.2} | {:.2} | {:.2} | {:.2} |",
            m - base,
            l - base,
            p - base
        );
    }
}
