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
