//! The parts of the socket table that need no I/O: reading lines out of a buffer, the words
//! of the commands, and refusals. Real sockets are exercised by `tests/replay/sock.txt` and
//! `client/app/tests/sockets.rs`.

use super::*;
use crate::permissions::Grant;

fn socket_with(data: &[u8]) -> Socket {
    let mut s = Socket::new(1, "s", Kind::Tcp, None, 0);
    s.push(data);
    s
}

#[test]
fn lines_come_out_one_at_a_time() {
    let mut s = socket_with(b"one\r\ntwo\nthr");
    assert_eq!(s.read_line(false, READ_MAX), Some(("one".to_string(), 5)));
    assert!(s.has_line());
    assert_eq!(s.read_line(false, READ_MAX), Some(("two".to_string(), 4)));
    // No line ending: nothing, unless forced (and then at most `max` bytes).
    assert_eq!(s.read_line(false, READ_MAX), None);
    assert_eq!(s.read_line(true, 2), Some(("th".to_string(), 2)));
    s.push(b"ee");
    assert_eq!(s.unread(), b"ree");
    // Once the other end has closed, the last line needs no ending.
    s.eof = true;
    assert_eq!(s.read_line(false, READ_MAX), Some(("ree".to_string(), 3)));
    assert_eq!(s.read_line(false, READ_MAX), None);
    assert!(s.unread().is_empty());
    // An empty line is `$null`, and counts its line ending.
    let mut s = socket_with(b"\r\n");
    assert_eq!(s.read_line(false, READ_MAX), Some((String::new(), 2)));
}

#[test]
fn the_buffer_compacts_as_it_is_read() {
    let mut s = socket_with(&[b'x'; 100]);
    s.consume(80);
    s.push(b"\n");
    assert_eq!(s.unread().len(), 21);
    assert_eq!(
        s.rq.len(),
        21,
        "read bytes are dropped once they are most of it"
    );
}

#[test]
fn switches_and_payloads() {
    assert_eq!(
        switches("-tn name text here"),
        ("tn".to_string(), vec!["name", "text", "here"])
    );
    // A negative number is not a switch.
    assert_eq!(switches("-5 x").1, vec!["-5", "x"]);
    assert_eq!(payload("sockwrite", "GET /", "n").unwrap(), b"GET /\r\n");
    assert_eq!(payload("sockwrite", "done\r\n", "n").unwrap(), b"done\r\n");
    assert_eq!(payload("sockwrite", "", "n").unwrap(), b"\r\n");
    let e = payload("sockwrite", "&data", "").unwrap_err();
    assert!(e.contains("binary variables"), "{e}");
    assert_eq!(payload("sockwrite", "&data", "t").unwrap(), b"&data");
}

#[test]
fn commands_check_their_words_and_the_permission_first() {
    let perms = Permissions::default();
    let mut socks = Sockets::default();
    let script = Caller {
        script: Some((0, "/x/bot.mrc")),
        permissions: &perms,
        now: 0,
    };
    let run = |s: &mut Sockets, c: &Caller<'_>, cmd: &str, args: &str| {
        s.command(cmd, args, c).expect("a socket command")
    };
    let e = run(&mut socks, &script, "sockopen", "web example.com").unwrap_err();
    assert!(e.contains("expected a name, a host and a port"), "{e}");
    let e = run(&mut socks, &script, "sockopen", "web example.com http").unwrap_err();
    assert!(e.contains("invalid port 'http'"), "{e}");
    let e = run(&mut socks, &script, "sockopen", "w* example.com 80").unwrap_err();
    assert!(e.contains("not a valid socket name"), "{e}");
    let e = run(&mut socks, &script, "sockopen", "web example.com 80").unwrap_err();
    assert!(
        e.starts_with("/sockopen: bot.mrc is not allowed to connect to example.com port 80"),
        "{e}"
    );
    let e = run(&mut socks, &script, "sockread", "%x").unwrap_err();
    assert!(e.contains("bot.mrc is not allowed to use sockets"), "{e}");
    // Allowed, but there is no I/O side here.
    let mut granted = Permissions::default();
    granted.grant("bot.mrc", vec![Grant::Network]);
    let script = Caller {
        permissions: &granted,
        ..script
    };
    let e = run(&mut socks, &script, "sockopen", "web example.com 80").unwrap_err();
    assert_eq!(e, "/sockopen: sockets are not available here");
    let e = run(&mut socks, &script, "sockread", "%x").unwrap_err();
    assert!(e.contains("use it in a socket event"), "{e}");
    let e = run(&mut socks, &script, "sockread", "&bin").unwrap_err();
    assert!(e.contains("binary variables (&bin)"), "{e}");
    let e = run(&mut socks, &script, "sockclose", "web").unwrap_err();
    assert_eq!(e, "/sockclose: no socket named 'web'");
    let e = run(&mut socks, &script, "sockaccept", "in").unwrap_err();
    assert!(e.contains("no connection is waiting"), "{e}");
    let e = run(&mut socks, &script, "sockudp", "u 127.0.0.1 9").unwrap_err();
    assert!(e.contains("no text to send"), "{e}");
    assert!(socks.command("socks", "", &script).is_none());
    assert_eq!(socks.iter().count(), 0, "nothing was opened");
}

#[test]
fn errors_have_windows_sockets_numbers() {
    let e = SockError::from_io(&std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
    assert_eq!(e.wsmsg(), "[10061] Connection refused");
    assert_eq!(SockError::host_not_found("nowhere.invalid").code, 11001);
}
