//! End to end for the DCC server and file servers, with real sockets: the headless client on
//! ngircd, and the other side played by the test with plain TCP. A client speaking mIRC's
//! DCC Server protocol (`120 nick size file`, answered `121 me 0`) sends a file that must
//! arrive whole in the downloads folder, acknowledged byte for byte, and kinds turned off are
//! refused; a user offered a file server session (`/fserve`) is welcomed, moves around, and
//! `get`s a file that must arrive whole over the DCC SEND it is offered.
//!
//! Needs `ngircd` (the README's test command installs it).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{free_port, test_dir, Bot, Ngircd, User};

/// The headless client as `nick` on ngircd at `port`, with `script` loaded, its data folder
/// `dir/data` and a config whose DCC offers give 127.0.0.1, with `more` config after that.
fn start_bot(dir: &Path, port: u16, nick: &str, script: &str, more: &str) -> Bot {
    std::fs::create_dir_all(dir.join("rustirc")).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("rustirc/config.toml"),
        format!("[dcc]\nip = \"127.0.0.1\"\n{more}"),
    )
    .unwrap();
    std::fs::write(dir.join("bot.mrc"), script).unwrap();
    let server = format!("127.0.0.1:{port}");
    Bot::start(
        &[
            "--server",
            &server,
            "--nick",
            nick,
            "--load",
            dir.join("bot.mrc").to_str().unwrap(),
            "--data",
            dir.join("data").to_str().unwrap(),
        ],
        &[("XDG_CONFIG_HOME", dir)],
    )
}

/// Reads one `\n`-ended line of a DCC connection (without its line end).
fn read_line(s: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    loop {
        match s.read(&mut b) {
            Ok(1) if b[0] == b'\n' => break,
            Ok(1) => line.push(b[0]),
            other => panic!("the connection ended before a line end ({other:?}): {line:?}"),
        }
    }
    String::from_utf8_lossy(&line)
        .trim_end_matches('\r')
        .to_string()
}

/// Test data that is not all one byte.
fn payload(n: u32) -> Vec<u8> {
    (0..n).map(|i| (i.wrapping_mul(7) % 251) as u8).collect()
}

/// A DCC offer's address and port: the two numbers before the size (SEND) or at the end
/// (CHAT) of `DCC … ip port [size]`.
fn offer_address(line: &str, send: bool) -> (Ipv4Addr, u16, u64) {
    let words: Vec<&str> = line.trim_end_matches('\x01').split_whitespace().collect();
    let n = words.len();
    let (ip, port, size) = if send {
        (words[n - 3], words[n - 2], words[n - 1])
    } else {
        (words[n - 2], words[n - 1], "0")
    };
    (
        Ipv4Addr::from(ip.parse::<u32>().unwrap()),
        port.parse().unwrap(),
        size.parse().unwrap(),
    )
}

#[test]
fn the_dcc_server_takes_a_file_from_a_plain_tcp_client() {
    let dir = test_dir("dccserver");
    let (port, dport) = (free_port(), free_port());
    let _server = Ngircd::start(&dir, port, None);
    let bot = start_bot(
        &dir,
        port,
        "srvbot",
        &format!(
            "on *:CONNECT: dccserver -cf +s on {dport}\n\
             on *:DCCSERVER:Send: echo -s request from $nick at $address for $filename\n\
             on *:FILERCVD:*: echo -s got $nopath($filename) from $nick: $file($filename).size bytes\n\
             on *:GETFAIL:*: echo -s failed to get $nopath($filename): $1-\n"
        ),
        // The script turns the DCC server on: it needs to be allowed to listen there.
        &format!("[permissions]\n\"bot.mrc\" = [\"listen:{dport}\"]\n"),
    );
    bot.expect(&format!("DCC server is on, port {dport} (takes: s)"));
    // A chat is not taken: 150, and the connection closes.
    let mut chat = TcpStream::connect(("127.0.0.1", dport)).unwrap();
    chat.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    chat.write_all(b"100 chatter\n").unwrap();
    assert_eq!(read_line(&mut chat), "150 srvbot");
    let mut rest = Vec::new();
    assert_eq!(chat.read_to_end(&mut rest).unwrap(), 0, "closed after 150");
    // A file: 120 nick size name, answered 121 me 0; the bytes, each block acknowledged with
    // the count received so far.
    let data = payload(300_000);
    let mut s = TcpStream::connect(("127.0.0.1", dport)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(format!("120 sender {} payload.bin\n", data.len()).as_bytes())
        .unwrap();
    assert_eq!(read_line(&mut s), "121 srvbot 0");
    for chunk in data.chunks(8192) {
        s.write_all(chunk).unwrap();
    }
    let end = Instant::now() + Duration::from_secs(20);
    let mut last = 0u32;
    let mut acks = 0;
    while last as usize != data.len() {
        assert!(Instant::now() < end, "acknowledged only {last} bytes");
        let mut ack = [0u8; 4];
        s.read_exact(&mut ack).unwrap();
        let n = u32::from_be_bytes(ack);
        assert!(n >= last, "acknowledgements go up: {n} after {last}");
        last = n;
        acks += 1;
    }
    assert!(acks > 1, "one acknowledgement per block, got {acks}");
    bot.expect("request from sender at 127.0.0.1 for payload.bin");
    bot.expect("got payload.bin from sender: 300000 bytes");
    let got = std::fs::read(dir.join("data/downloads/payload.bin")).unwrap();
    assert!(got == data, "the received file differs");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_file_server_user_moves_around_and_gets_a_file() {
    let dir = test_dir("fserve");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let files = dir.join("data/files");
    std::fs::create_dir_all(files.join("sub")).unwrap();
    let data = payload(200_000);
    std::fs::write(files.join("sub/big.bin"), &data).unwrap();
    std::fs::write(dir.join("data/welcome.txt"), "Hi from the files\n").unwrap();
    std::fs::write(dir.join("secret.txt"), "not for you\n").unwrap();
    let bot = start_bot(
        &dir,
        port,
        "filebot",
        "on *:CONNECT: join #f\n\
         on *:JOIN:#f: if ($nick == fan) fserve fan 1 files welcome.txt\n\
         on *:SERV:*: echo -s fan typed $1- in $cd\n\
         on *:FILESENT:*: echo -s sent $nopath($filename) to $nick\n\
         on *:SENDFAIL:*: echo -s failed to send $nopath($filename)\n",
        "",
    );
    let mut fan = User::connect(port, "fan");
    fan.wait_for("#f", "filebot");
    fan.send("JOIN #f");
    let offer = fan.expect(
        |l| l.contains("\x01DCC CHAT chat "),
        "the file server offer",
    );
    let (ip, p, _) = offer_address(&offer, false);
    let s = TcpStream::connect((ip, p)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut line = || {
        let mut l = String::new();
        r.read_line(&mut l).unwrap();
        l.trim_end().to_string()
    };
    assert_eq!(line(), "Hi from the files");
    assert_eq!(line(), "[/] Type help for the commands");
    w.write_all(b"cd ..\n").unwrap();
    assert_eq!(line(), "cd: '..' is above the top folder");
    w.write_all(b"read ../../secret.txt\n").unwrap();
    assert!(line().contains("above the top folder"));
    w.write_all(b"cd sub\n").unwrap();
    assert_eq!(line(), "[/sub]");
    w.write_all(b"get big.bin\n").unwrap();
    assert_eq!(line(), "Sending big.bin (200000 bytes)");
    bot.expect("fan typed get big.bin in /sub");
    // The file comes as a DCC SEND offered over IRC.
    let send = fan.expect(
        |l| l.contains("\x01DCC SEND big.bin "),
        "the DCC SEND offer",
    );
    let (ip, p, size) = offer_address(&send, true);
    assert_eq!(size, 200_000);
    let mut f = TcpStream::connect((ip, p)).unwrap();
    f.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 16384];
    while (got.len() as u64) < size {
        let n = f.read(&mut buf).unwrap();
        assert!(n > 0, "the send closed after {} bytes", got.len());
        got.extend_from_slice(&buf[..n]);
        f.write_all(&(got.len() as u32).to_be_bytes()).unwrap();
    }
    assert!(got == data, "the file got differs");
    bot.expect("sent big.bin to fan");
    w.write_all(b"exit\n").unwrap();
    assert_eq!(line(), "Goodbye");
    bot.expect("=fan: * DCC file server session with fan closed");
    std::fs::remove_dir_all(&dir).ok();
}
