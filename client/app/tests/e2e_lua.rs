//! End to end with a Lua bot: ngircd on a free loopback port, `rustirc --headless` running
//! tests/lua/bot.lua, and a plain-socket user talking to it. The bot must join on connect,
//! greet, answer in the channel and in private, read the channel's user list, and replace
//! the CTCP VERSION reply.
//!
//! Needs `ngircd` (the README's test command installs it).

mod support;

use std::path::Path;
use support::{free_port, test_dir, Bot, Ngircd, User};

#[test]
fn a_lua_bot_answers_another_client() {
    let dir = test_dir("lua-bot");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lua/bot.lua");
    let data = dir.join("data");
    let server = format!("127.0.0.1:{port}");
    let script_arg = script.display().to_string();
    let data_arg = data.display().to_string();
    let mut bot = Bot::start(
        &[
            "--server",
            &server,
            "--nick",
            "luabot",
            "--load",
            &script_arg,
            "--data",
            &data_arg,
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );

    let mut alice = User::connect(port, "alice");
    alice.wait_for("#luabots", "luabot");
    alice.send("JOIN #luabots");
    alice.expect(
        |l| l.contains("PRIVMSG #luabots :Welcome, alice!"),
        "the greeting",
    );
    alice.send("PRIVMSG #luabots :!ping");
    alice.expect(
        |l| l.contains("PRIVMSG #luabots :pong, alice"),
        "the answer",
    );
    alice.send("PRIVMSG luabot :!ping");
    alice.expect(
        |l| l.contains("PRIVMSG alice :pong, alice"),
        "the private answer",
    );
    alice.send("PRIVMSG #luabots :!users");
    alice.expect(
        |l| l.contains("PRIVMSG #luabots :here: @luabot alice"),
        "the user list",
    );
    alice.send("PRIVMSG luabot :\x01VERSION\x01");
    alice.expect(
        |l| l.contains("NOTICE alice :\x01VERSION LuaBot 1.0\x01"),
        "the VERSION reply",
    );
    bot.expect("LuaBot 1.0 loaded");
    let status = bot.interrupt();
    assert!(status.success(), "{status:?}");
}
