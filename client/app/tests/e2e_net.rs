//! End to end for the ways of connecting, against real servers on free loopback ports: TLS
//! to ngircd (certificates made here with rcgen: a test authority and a server certificate
//! it signed, and a client certificate), with the authority trusted, with any certificate
//! accepted, and refused when the certificate cannot be checked; connections through a
//! SOCKS5 proxy (microsocks) with a login, plain and with TLS; and several networks at once
//! (one ngircd each), with `/scid` between them and `/server` opening and moving connections.
//!
//! Needs `ngircd` and `microsocks` (the README's test command installs them).

mod support;

use std::path::Path;
use support::{free_port, make_certs, test_dir, Bot, Microsocks, Ngircd, User};

#[test]
fn tls_with_any_certificate_accepted_and_a_client_certificate() {
    let dir = test_dir("tls-any");
    let certs = make_certs(&dir);
    let (port, tls_port) = (free_port(), free_port());
    let _server = Ngircd::start(&dir, port, Some((&certs, tls_port)));
    std::fs::write(
        dir.join("bot.mrc"),
        "on *:TEXT:!secure:#: msg # secure $me on $server\n",
    )
    .unwrap();
    let server = format!("127.0.0.1:+{tls_port}");
    let mut bot = Bot::start(
        &[
            "--server",
            &server,
            "--tls-accept-invalid",
            "--tls-cert",
            certs.client.to_str().unwrap(),
            "--nick",
            "tlsbot",
            "--join",
            "#tls",
            "--load",
            dir.join("bot.mrc").to_str().unwrap(),
            "--data",
            dir.join("data").to_str().unwrap(),
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );
    // A plain-socket user on the same server talks to the bot, which is on TLS.
    let mut alice = User::connect(port, "alice");
    alice.wait_for("#tls", "tlsbot");
    alice.send("JOIN #tls");
    alice.send("PRIVMSG #tls :!secure");
    alice.expect(
        |l| {
            l.contains(&format!(
                "PRIVMSG #tls :secure tlsbot on irc{port}.test.local"
            ))
        },
        "the bot's reply",
    );
    // The user was warned, with the certificate's fingerprint.
    let warning = bot.expect("is not checked (tls_accept_invalid)");
    assert!(warning.contains("status: * Warning"), "{warning}");
    assert!(warning.contains("SHA-256 fingerprint"), "{warning}");
    bot.expect("status: * Secure connection (TLSv1.");
    // The server saw our client certificate (CertFP), and says so in its MOTD.
    let fp = bot.expect("Your client certificate fingerprint is");
    assert!(
        fp.to_ascii_lowercase().contains(&certs.client_fp),
        "{fp} should name {}",
        certs.client_fp
    );
    assert!(bot.interrupt().success());
    alice.expect(|l| l.contains("QUIT"), "the bot's QUIT");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tls_certificate_checked_against_trusted_roots() {
    let dir = test_dir("tls-verify");
    let certs = make_certs(&dir);
    let (port, tls_port) = (free_port(), free_port());
    let _server = Ngircd::start(&dir, port, Some((&certs, tls_port)));
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[network]]\nserver = \"127.0.0.1:{tls_port}\"\ntls = true\nnick = \"checked\"\n\
             channels = [\"#tls\"]\n"
        ),
    )
    .unwrap();
    let data = dir.join("data");
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ];

    // Not trusted: refused, with the reason, and retried later and later.
    let mut refused = Bot::start(&args, &[("XDG_CONFIG_HOME", &dir)]);
    let line = refused.expect("is not trusted");
    assert!(
        line.contains(&format!(
            "status: * Could not connect to 127.0.0.1:{tls_port}"
        )),
        "{line}"
    );
    assert!(
        line.contains("self-signed or issued by an authority"),
        "{line}"
    );
    assert!(line.contains("retrying in 2s"), "{line}");
    refused.expect("retrying in 4s");
    assert!(refused.interrupt().success());
    assert!(!refused.output().contains("Secure connection"));

    // With the test authority trusted, the same settings connect.
    let _trusted = Bot::start(
        &args,
        &[("XDG_CONFIG_HOME", &dir), ("SSL_CERT_FILE", &certs.ca)],
    );
    let mut bob = User::connect(port, "bob");
    bob.wait_for("#tls", "checked");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_client_certificate_is_reported_and_retried() {
    let dir = test_dir("tls-cert");
    let certs = make_certs(&dir);
    let (port, tls_port) = (free_port(), free_port());
    let _server = Ngircd::start(&dir, port, Some((&certs, tls_port)));
    let missing = dir.join("missing.pem");
    let server = format!("127.0.0.1:+{tls_port}");
    let mut bot = Bot::start(
        &[
            "--server",
            &server,
            "--tls-accept-invalid",
            "--tls-cert",
            missing.to_str().unwrap(),
            "--nick",
            "certbot",
            "--join",
            "#cert",
            "--data",
            dir.join("data").to_str().unwrap(),
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );
    let line = bot.expect("missing.pem");
    assert!(line.contains("Could not connect"), "{line}");
    assert!(line.contains("client certificate"), "{line}");
    assert!(line.contains("retrying in 2s"), "{line}");
    // Once the file is there, the next attempt uses it.
    std::fs::copy(&certs.client, &missing).unwrap();
    bot.expect("status: * Client certificate");
    let mut carol = User::connect(port, "carol");
    carol.wait_for("#cert", "certbot");
    assert!(bot.interrupt().success());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn through_a_socks5_proxy_plain_and_tls() {
    let dir = test_dir("socks");
    let certs = make_certs(&dir);
    let (port, tls_port) = (free_port(), free_port());
    let _server = Ngircd::start(&dir, port, Some((&certs, tls_port)));
    // A password with the characters a URL must escape.
    let proxy = Microsocks::start("bot", "pa:ss@w");
    let url = format!("socks5://bot:pa%3Ass%40w@127.0.0.1:{}", proxy.port);
    std::fs::write(dir.join("bot.mrc"), "on *:TEXT:!via:#: msg # $me here\n").unwrap();
    let script = dir.join("bot.mrc");
    let bot = |nick: &str, server: &str, url: &str, env: &[(&str, &Path)]| {
        Bot::start(
            &[
                "--server",
                server,
                "--proxy",
                url,
                "--nick",
                nick,
                "--join",
                "#px",
                "--load",
                script.to_str().unwrap(),
                "--data",
                dir.join(format!("data-{nick}")).to_str().unwrap(),
            ],
            &[&[("XDG_CONFIG_HOME", dir.as_path())], env].concat(),
        )
    };
    // The server is named, not an address: the proxy resolves it.
    let plain = bot("viaplain", &format!("localhost:{port}"), &url, &[]);
    // TLS over the proxy, the certificate checked for the name asked for.
    let tls = bot(
        "viatls",
        &format!("localhost:+{tls_port}"),
        &url,
        &[("SSL_CERT_FILE", &certs.ca)],
    );
    let wrong = format!("socks5://bot:wrong@127.0.0.1:{}", proxy.port);
    let refused = bot("refused", &format!("localhost:{port}"), &wrong, &[]);

    let mut dave = User::connect(port, "dave");
    dave.wait_for("#px", "viaplain");
    dave.wait_for("#px", "viatls");
    dave.send("JOIN #px");
    dave.send("PRIVMSG #px :!via");
    // The two bots answer in either order.
    let first = dave.expect(
        |l| l.contains("PRIVMSG #px :viaplain here") || l.contains("PRIVMSG #px :viatls here"),
        "a bot's reply",
    );
    let other = if first.contains("viaplain here") {
        "viatls"
    } else {
        "viaplain"
    };
    dave.expect(
        |l| l.contains(&format!("PRIVMSG #px :{other} here")),
        "the other bot's reply",
    );
    plain.expect(&format!(
        "status: * Connecting to localhost:{port} (through the proxy socks5://127.0.0.1:{})",
        proxy.port
    ));
    tls.expect("status: * Secure connection (TLSv1.");
    let line = refused.expect("refused the user name or password");
    assert!(
        line.contains(&format!(
            "* Could not connect to localhost:{port}: proxy socks5://127.0.0.1:{}: the proxy refused",
            proxy.port
        )),
        "{line}"
    );
    assert!(
        !refused.output().contains("pa:ss@w") && !line.contains("wrong"),
        "{line}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The script of docs/headless.md's "Several networks".
fn documented_multi_network_script() -> String {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/headless.md"),
    )
    .unwrap();
    let section = doc
        .split("## Several networks")
        .nth(1)
        .expect("the section");
    let block = section.split("```mrc\n").nth(1).expect("its script");
    block.split("```").next().unwrap().to_string()
}

#[test]
fn several_networks_at_once() {
    let dir = test_dir("multi");
    let (port1, port2, port3) = (free_port(), free_port(), free_port());
    let _one = Ngircd::start(&dir, port1, None);
    let _two = Ngircd::start(&dir, port2, None);
    let _three = Ngircd::start(&dir, port3, None);
    let script = documented_multi_network_script()
        + "on me:*:JOIN:#lobby: if ($cid == 3) scon -a msg #lobby connection 3 is in\n";
    std::fs::write(dir.join("multi.mrc"), script).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "scripts = [\"multi.mrc\"]\ndata = \"data\"\n\
             [[network]]\nname = \"one\"\nserver = \"127.0.0.1:{port1}\"\nnick = \"multibot\"\nchannels = [\"#lobby\"]\n\
             [[network]]\nname = \"two\"\nserver = \"127.0.0.1:{port2}\"\nnick = \"multibot\"\nchannels = [\"#lobby\"]\n"
        ),
    )
    .unwrap();
    let mut bot = Bot::start(
        &["--config", config.to_str().unwrap()],
        &[("XDG_CONFIG_HOME", &dir)],
    );
    let mut alice = User::connect(port1, "alice");
    let mut bob = User::connect(port2, "bob");
    for u in [&mut alice, &mut bob] {
        u.wait_for("#lobby", "multibot");
        u.send("JOIN #lobby");
        u.expect(|l| l.contains("JOIN :#lobby"), "the join");
    }

    // An event on network 2 replies on network 2, with its $cid.
    bob.send("PRIVMSG #lobby :!where");
    bob.expect(
        |l| {
            l.contains(&format!(
                "PRIVMSG #lobby :I am multibot on Net{port2} (connection 2 of 2)"
            ))
        },
        "the reply on network 2",
    );
    alice.send("PRIVMSG #lobby :!where");
    alice.expect(
        |l| {
            l.contains(&format!(
                "PRIVMSG #lobby :I am multibot on Net{port1} (connection 1 of 2)"
            ))
        },
        "the reply on network 1",
    );
    // /scid reaches the other network.
    bob.send("PRIVMSG #lobby :!relay hello from two");
    alice.expect(
        |l| {
            l.contains(&format!(
                "PRIVMSG #lobby :bob on Net{port2} says: hello from two"
            ))
        },
        "the relayed line on network 1",
    );
    // /server -m opens a third connection, which joins #lobby there; /scon -a speaks on all.
    alice.send(&format!("PRIVMSG #lobby :!open 127.0.0.1:{port3}"));
    let mut carol = User::connect(port3, "carol");
    carol.wait_for("#lobby", "multibot");
    carol.send("JOIN #lobby");
    carol.expect(
        |l| l.starts_with(":carol!") && l.contains("JOIN :#lobby"),
        "carol's join",
    );
    for u in [&mut alice, &mut bob] {
        u.expect(
            |l| l.contains("PRIVMSG #lobby :connection 3 is in"),
            "the news on networks 1 and 2",
        );
    }
    // Each connection's lines are printed with its name.
    bot.expect("one/#lobby: <alice> !where");
    bot.expect("two/#lobby: <bob> !where");
    bot.expect("127.0.0.1/#lobby: * Now talking in #lobby");
    // Ctrl-C quits every network.
    assert!(bot.interrupt().success());
    for u in [&mut alice, &mut bob, &mut carol] {
        u.expect(|l| l.contains("QUIT"), "the bot's QUIT");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn server_moves_a_connection_to_another_server() {
    let dir = test_dir("move");
    let (port1, port2) = (free_port(), free_port());
    let _one = Ngircd::start(&dir, port1, None);
    let _two = Ngircd::start(&dir, port2, None);
    std::fs::write(dir.join("move.mrc"), "on *:TEXT:!move *:#: server $2\n").unwrap();
    let mut bot = Bot::start(
        &[
            "--server",
            &format!("127.0.0.1:{port1}"),
            "--nick",
            "mover",
            "--join",
            "#here",
            "--load",
            dir.join("move.mrc").to_str().unwrap(),
            "--data",
            dir.join("data").to_str().unwrap(),
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );
    let mut alice = User::connect(port1, "alice");
    alice.wait_for("#here", "mover");
    alice.send("JOIN #here");
    alice.expect(
        |l| l.starts_with(":alice!") && l.contains("JOIN"),
        "alice's join",
    );
    alice.send(&format!("PRIVMSG #here :!move 127.0.0.1:{port2}"));
    // It says goodbye here, and joins its channels there.
    alice.expect(
        |l| l.starts_with(":mover!") && l.contains("QUIT"),
        "the bot's QUIT",
    );
    let mut bob = User::connect(port2, "bob");
    bob.wait_for("#here", "mover");
    bot.expect(&format!("status: * Connecting to 127.0.0.1:{port2}"));
    assert!(bot.interrupt().success());
    std::fs::remove_dir_all(&dir).ok();
}
