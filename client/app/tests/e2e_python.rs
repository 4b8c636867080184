//! End to end with a Python bot: ngircd on a free loopback port, `rustirc --headless` running
//! tests/python/bot.py, and a plain-socket user talking to it. The bot must join on connect,
//! greet, answer in the channel and in private, read the channel's user list, replace the
//! CTCP VERSION reply, and remember who said what (`!seen`), in its own worker process.
//!
//! Needs `ngircd` (the README's test command installs it) and the Python worker built next
//! to `rustirc`.

mod support;

use std::path::Path;
use support::{free_port, test_dir, Bot, Ngircd, User};

#[test]
fn a_python_bot_answers_another_client() {
    let dir = test_dir("python-bot");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/bot.py");
    let data = dir.join("data");
    let server = format!("127.0.0.1:{port}");
    let script_arg = script.display().to_string();
    let data_arg = data.display().to_string();
    let mut bot = Bot::start(
        &[
            "--server",
            &server,
            "--nick",
            "pybot",
            "--load",
            &script_arg,
            "--data",
            &data_arg,
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );

    let mut alice = User::connect(port, "alice");
    alice.wait_for("#pybots", "pybot");
    alice.send("JOIN #pybots");
    alice.expect(
        |l| l.contains("PRIVMSG #pybots :Welcome, alice!"),
        "the greeting",
    );
    alice.send("PRIVMSG #pybots :!ping");
    alice.expect(|l| l.contains("PRIVMSG #pybots :pong, alice"), "the answer");
    alice.send("PRIVMSG pybot :!ping");
    alice.expect(
        |l| l.contains("PRIVMSG alice :pong, alice"),
        "the private answer",
    );
    alice.send("PRIVMSG #pybots :!users");
    alice.expect(
        |l| l.contains("PRIVMSG #pybots :here: @pybot alice"),
        "the user list",
    );
    alice.send("PRIVMSG #pybots :good morning");
    alice.send("PRIVMSG #pybots :!seen Alice");
    alice.expect(
        |l| l.contains("PRIVMSG #pybots :alice said \"good morning\" in #pybots."),
        "the seen answer",
    );
    let stored = data.join("python").join("bot").join("storage.json");
    let text = std::fs::read_to_string(&stored).unwrap_or_default();
    assert!(
        text.contains("good morning"),
        "{}: {text}",
        stored.display()
    );
    alice.send("PRIVMSG pybot :\x01VERSION\x01");
    alice.expect(
        |l| l.contains("NOTICE alice :\x01VERSION PyBot 1.0\x01"),
        "the VERSION reply",
    );
    bot.expect("PyBot 1.0 loaded");
    let status = bot.interrupt();
    assert!(status.success(), "{status:?}");
}

/// Scripts dropped into the data folder's `scripts` folder load at start without `--load`:
/// Python, Lua and mSL alike, each answering in the channel.
#[test]
fn scripts_in_the_scripts_folder_load_at_start() {
    let dir = test_dir("scripts-folder");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let data = dir.join("data");
    let folder = data.join("scripts");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("py_hello.py"),
        "import irc\n\n\
def on_connect(event):\n    irc.join('#auto')\n\n\
def on_message(event):\n    if event.text == '!py':\n        irc.privmsg(event.channel, 'python here')\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("lua_hello.lua"),
        "irc.on('message', function(e) if e.text == '!lua' then irc.privmsg(e.channel, 'lua here') end end)\nreturn { name = 'lua_hello' }\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("msl_hello.mrc"),
        "on *:TEXT:!msl:#:{ msg # mirc here }\n",
    )
    .unwrap();
    std::fs::write(folder.join("readme.txt"), "not a script").unwrap();
    let server = format!("127.0.0.1:{port}");
    let data_arg = data.display().to_string();
    let mut bot = Bot::start(
        &[
            "--server", &server, "--nick", "autobot", "--data", &data_arg,
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );
    let mut alice = User::connect(port, "alice");
    alice.wait_for("#auto", "autobot");
    alice.send("JOIN #auto");
    for (ask, answer) in [
        ("!py", "python here"),
        ("!lua", "lua here"),
        ("!msl", "mirc here"),
    ] {
        alice.send(&format!("PRIVMSG #auto :{ask}"));
        alice.expect(|l| l.contains(&format!("PRIVMSG #auto :{answer}")), answer);
    }
    let status = bot.interrupt();
    assert!(status.success(), "{status:?}");
}
