use super::*;

#[test]
fn addresses_are_numbers_or_text() {
    assert_eq!(
        parse_ip("2130706433"),
        Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
    );
    assert_eq!(
        format_ip(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2))),
        "3232235778"
    );
    assert_eq!(parse_ip("3232235778"), Some("192.168.1.2".parse().unwrap()));
    assert_eq!(parse_ip("::1"), Some("::1".parse().unwrap()));
    assert_eq!(format_ip("::1".parse().unwrap()), "::1");
    assert_eq!(parse_ip("nope"), None);
}

#[test]
fn chat_offers_read_and_write() {
    let o = parse_offer("CHAT chat 2130706433 5000").unwrap().unwrap();
    assert_eq!(o.kind, OfferKind::Chat);
    assert_eq!(o.ip, IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(o.port, 5000);
    assert_eq!(o.token, None);
    assert_eq!(
        format_offer(&OfferKind::Chat, o.ip, 5000),
        "CHAT chat 2130706433 5000"
    );
    assert!(parse_offer("CHAT chat 2130706433").is_err());
    assert!(parse_offer("CHAT chat x 1").is_err());
}

#[test]
fn send_offers_with_quoted_names_sizes_and_tokens() {
    let o = parse_offer("SEND \"my file.txt\" 2130706433 5001 1234")
        .unwrap()
        .unwrap();
    assert_eq!(
        o.kind,
        OfferKind::Send {
            name: "my file.txt".into(),
            size: 1234
        }
    );
    assert_eq!(o.port, 5001);
    let kind = OfferKind::Send {
        name: "my file.txt".into(),
        size: 1234,
    };
    assert_eq!(
        format_offer(&kind, o.ip, 5001),
        "SEND \"my file.txt\" 2130706433 5001 1234"
    );
    // A passive (reverse) offer: port 0 and a token.
    let p = parse_offer("SEND a.zip 2130706433 0 99 17")
        .unwrap()
        .unwrap();
    assert_eq!(p.port, 0);
    assert_eq!(p.token.as_deref(), Some("17"));
    // No size.
    let n = parse_offer("send a.zip 2130706433 7").unwrap().unwrap();
    assert_eq!(
        n.kind,
        OfferKind::Send {
            name: "a.zip".into(),
            size: 0
        }
    );
    assert!(parse_offer("SEND a.zip 2130706433 7 big").is_err());
    assert_eq!(parse_offer("RESUME a.zip 5000 100").unwrap(), None);
    assert!(parse_offer("").is_err());
}

#[test]
fn offered_names_stay_in_the_folder() {
    assert!(safe_file_name("report.txt"));
    assert!(safe_file_name("my file (1).zip"));
    for bad in [
        "", "../x", "..", "a/b", "a\\b", ".bashrc", "c:x", "a\x01b", "x..y",
    ] {
        assert!(!safe_file_name(bad), "{bad:?}");
    }
}

#[test]
fn taken_names_get_a_number() {
    let dir = std::env::temp_dir().join(format!("rustirc-dcc-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(free_path(&dir, "a.txt"), dir.join("a.txt"));
    std::fs::write(dir.join("a.txt"), "x").unwrap();
    assert_eq!(free_path(&dir, "a.txt"), dir.join("a_1.txt"));
    std::fs::write(dir.join("a_1.txt"), "x").unwrap();
    assert_eq!(free_path(&dir, "a.txt"), dir.join("a_2.txt"));
    std::fs::write(dir.join("noext"), "x").unwrap();
    assert_eq!(free_path(&dir, "noext"), dir.join("noext_1"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn acknowledgements_wrap_at_four_bytes() {
    assert_eq!(ack_bytes(1), [0, 0, 0, 1]);
    assert_eq!(ack_bytes(0x1_0000_0002), [0, 0, 0, 2]);
    assert!(acked_all(2, 0x1_0000_0002));
    assert!(acked_all(100, 100));
    assert!(!acked_all(99, 100));
}

#[test]
fn accept_settings() {
    assert_eq!(Accept::parse("Users"), Ok(Accept::Users));
    assert_eq!(Accept::parse("always"), Ok(Accept::Always));
    assert_eq!(Accept::parse("never"), Ok(Accept::Never));
    assert_eq!(Accept::parse("ask"), Ok(Accept::Ask));
    assert!(Accept::parse("sometimes").is_err());
}

#[test]
fn files_to_send_come_from_the_data_folder() {
    let dir = std::env::temp_dir().join(format!("rustirc-dcc-send-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    std::fs::write(dir.join("sub/f.txt"), "hello").unwrap();
    let d = Dcc {
        data_dir: Some(dir.clone()),
        ..Dcc::default()
    };
    assert_eq!(
        d.file_to_send("sub/f.txt").unwrap(),
        (dir.join("sub/f.txt"), 5)
    );
    assert_eq!(d.file_to_send("sub\\f.txt").unwrap().1, 5);
    let abs = dir.join("sub/f.txt").to_string_lossy().into_owned();
    assert_eq!(d.file_to_send(&abs).unwrap().1, 5);
    assert!(d.file_to_send("../etc/passwd").is_err());
    assert!(d.file_to_send("/etc/passwd").is_err());
    assert!(d.file_to_send("sub").is_err());
    assert!(d.file_to_send("missing.txt").is_err());
    assert!(Dcc::default().file_to_send("f.txt").is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file server home folder with a subfolder, files, a hidden file, and symbolic links that
/// lead inside and outside it; removed when dropped.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let root =
            std::env::temp_dir().join(format!("rustirc-fserve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let home = root.join("home");
        std::fs::create_dir_all(home.join("sub/deeper")).unwrap();
        std::fs::write(home.join("readme.txt"), "line one\r\nline two\n").unwrap();
        std::fs::write(home.join("sub/song.mp3"), vec![7u8; 300]).unwrap();
        std::fs::write(home.join(".hidden"), "x").unwrap();
        std::fs::write(root.join("secret.txt"), "outside").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("secret.txt"), home.join("escape.txt")).unwrap();
            std::os::unix::fs::symlink(&root, home.join("up")).unwrap();
            std::os::unix::fs::symlink(home.join("sub"), home.join("alias")).unwrap();
        }
        Home(root)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_file_server_session_stays_inside_its_home_folder() {
    let h = Home::new("paths");
    let mut fs = Fserve::new(&h.0.join("home"), 2, None).unwrap();
    assert_eq!(fs.cd_text(), "/");
    fs.cd("sub").unwrap();
    assert_eq!(fs.cd_text(), "/sub");
    fs.cd("deeper").unwrap();
    assert_eq!(fs.cd_text(), "/sub/deeper");
    fs.cd("..").unwrap();
    assert_eq!(fs.cd_text(), "/sub");
    fs.cd("\\").unwrap();
    assert_eq!(fs.cd_text(), "/");
    fs.cd("/sub/deeper").unwrap();
    fs.cd("/").unwrap();
    // Above the top, drives, missing folders and files are refused and the folder stays.
    assert!(fs.cd("..").unwrap_err().contains("above the top folder"));
    assert!(fs
        .cd("sub/../..")
        .unwrap_err()
        .contains("above the top folder"));
    assert!(fs.cd("C:\\Windows").unwrap_err().contains("not a path"));
    assert!(fs.cd("/etc").unwrap_err().contains("does not exist"));
    assert!(fs.cd("readme.txt").unwrap_err().contains("not a folder"));
    assert_eq!(fs.cd_text(), "/");
    // Files: relative to the folder, or from the top.
    assert_eq!(fs.file("readme.txt").unwrap().1, 19);
    assert_eq!(fs.file("/sub/song.mp3").unwrap().1, 300);
    assert!(fs.file("sub").unwrap_err().contains("not a file"));
    assert!(fs
        .file("../secret.txt")
        .unwrap_err()
        .contains("above the top"));
    assert_eq!(fs.read("readme.txt").unwrap(), ["line one", "line two"]);
    #[cfg(unix)]
    {
        // Symbolic links leading out are refused; one leading to a folder inside is fine.
        assert!(fs.file("escape.txt").unwrap_err().contains("outside"));
        assert!(fs.cd("up").unwrap_err().contains("outside"));
        fs.cd("alias").unwrap();
        assert_eq!(fs.cd_text(), "/alias");
        assert_eq!(fs.file("song.mp3").unwrap().1, 300);
        fs.cd("/").unwrap();
    }
    // The listing: folders first, sizes, no hidden entries, no links leading out.
    let list = fs.list().unwrap();
    assert_eq!(list[0], "Listing of /:");
    assert!(list.contains(&"  sub/".to_string()), "{list:?}");
    assert!(
        list.contains(&"  readme.txt  19 bytes".to_string()),
        "{list:?}"
    );
    assert!(
        !list
            .iter()
            .any(|l| l.contains("hidden") || l.contains("escape") || l.contains("  up/")),
        "{list:?}"
    );
    assert!(list.last().unwrap().starts_with("End of list"));
}

#[test]
fn read_refuses_big_files() {
    let h = Home::new("big");
    std::fs::write(h.0.join("home/big.log"), vec![b'a'; 70_000]).unwrap();
    let fs = Fserve::new(&h.0.join("home"), 1, None).unwrap();
    assert!(fs.read("big.log").unwrap_err().contains("get it instead"));
}

#[test]
fn dcc_server_requests_read() {
    assert_eq!(
        Request::parse("100 bob").unwrap(),
        Request::Chat { nick: "bob".into() }
    );
    assert_eq!(
        Request::parse("110 bob").unwrap(),
        Request::Fserve { nick: "bob".into() }
    );
    assert_eq!(
        Request::parse("120 bob 1234 my file.txt").unwrap(),
        Request::Send {
            nick: "bob".into(),
            size: 1234,
            name: "my file.txt".into()
        }
    );
    assert!(Request::parse("120 bob lots x")
        .unwrap_err()
        .contains("no file size"));
    assert!(Request::parse("120 bob 12")
        .unwrap_err()
        .contains("names no file"));
    assert!(Request::parse("100").unwrap_err().contains("names no nick"));
    assert!(Request::parse("GET / HTTP/1.0")
        .unwrap_err()
        .contains("not a DCC server request"));
    let r = Request::parse("110 ann").unwrap();
    assert_eq!((r.word(), r.refusal(), r.nick()), ("Fserve", 152, "ann"));
}

#[test]
fn dccserver_words_read() {
    let a = ServerArgs::parse("+cs on 5000").unwrap();
    assert_eq!(a.kinds, [('c', true), ('s', true)]);
    assert_eq!((a.on, a.port), (Some(true), Some(5000)));
    let a = ServerArgs::parse("- f off").unwrap();
    assert_eq!(a.kinds, [('f', false)]);
    assert_eq!(a.on, Some(false));
    assert_eq!(ServerArgs::parse("").unwrap(), ServerArgs::default());
    assert!(ServerArgs::parse("+x").unwrap_err().contains("'x'"));
    assert!(ServerArgs::parse("maybe")
        .unwrap_err()
        .contains("not a /dccserver word"));
    let k = ServerKinds {
        chat: true,
        send: false,
        fserve: true,
    };
    assert_eq!(k.letters(), "cf");
}
