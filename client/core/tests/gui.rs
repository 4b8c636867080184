//! The models and calls the desktop client draws from, tested without a display: custom
//! windows, their events, and the transcripts of tests/replay/ for them (run here on the
//! core, and by the app's replay tests through `rustirc replay`).

use rustirc_core::client::{Client, WindowEvent};
use rustirc_core::replay::{self, Session};
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Runs tests/replay/NAME.txt with NAME.mrc loaded.
fn transcript(name: &str) {
    let dir = root().join("tests/replay");
    let script = std::fs::read(dir.join(format!("{name}.mrc"))).expect("script");
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).expect("transcript");
    let steps = replay::parse(&text).expect("transcript parses");
    let mut s = Session::new(&[(format!("{name}.mrc"), script)]);
    if let Err(m) = replay::run(&steps, &mut s) {
        panic!("tests/replay/{name}.txt: {m}");
    }
}

#[test]
fn windows_transcript() {
    transcript("windows");
}

#[test]
fn window_changes_reach_the_gui_in_order() {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.load_script(
        "w.mrc",
        b"alias fill { window -l @w | aline @w a | aline @w b | aline -l @w n | rline @w 2 B | dline @w 1 | clear -l @w }",
    );
    c.run_command("/fill");
    c.run_command("/window -c @w");
    let w = |s: &str| s.to_string();
    assert_eq!(
        c.take_window_events(),
        vec![
            WindowEvent::Opened(w("@w")),
            WindowEvent::Inserted {
                window: w("@w"),
                list: false,
                index: 0,
                text: w("a")
            },
            WindowEvent::Inserted {
                window: w("@w"),
                list: false,
                index: 1,
                text: w("b")
            },
            WindowEvent::Inserted {
                window: w("@w"),
                list: true,
                index: 0,
                text: w("n")
            },
            WindowEvent::Replaced {
                window: w("@w"),
                list: false,
                index: 1,
                text: w("B")
            },
            WindowEvent::Deleted {
                window: w("@w"),
                list: false,
                index: 0
            },
            WindowEvent::Cleared {
                window: w("@w"),
                list: true
            },
            WindowEvent::Closed(w("@w")),
        ]
    );
    assert!(c.custom_windows().is_empty());
}

#[test]
fn window_switches_set_the_model() {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.run_command("/window -aes @chat 10 20 300 200 chat.txt");
    c.run_command("/aline @chat zeta");
    c.run_command("/aline @chat alpha");
    let w = c.custom_window("@CHAT").expect("open");
    assert_eq!(w.rect, Some((10, 20, 300, 200)));
    assert_eq!(w.popup.as_deref(), Some("chat.txt"));
    assert!(w.editbox && w.sorted);
    assert_eq!(w.lines, ["alpha", "zeta"]);
    assert_eq!(c.active, "@chat");
    c.take_output();
    c.run_command("/window -q @chat");
    let out = c.take_output();
    assert!(
        out.shown
            .iter()
            .any(|(_, t)| t.contains("unknown switch -q")),
        "{out:?}"
    );
}

#[test]
fn menus_transcript() {
    transcript("menus");
}

#[test]
fn popup_ini_sections_are_menus() {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.load_script(
        "popups.ini",
        b"[lpopup]\nn0=Info $1:echo -s info $1\nn1=-\n[cpopup]\nn0=Hello:echo -s hello $chan\n",
    );
    let items = c.menu("nicklist", "#c", &["bob"]);
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["Info bob", ""]);
    let items = c.menu("channel", "#c", &[]);
    c.take_output();
    c.menu_select(items[0].id.unwrap()).unwrap();
    assert!(c.take_output().shown.iter().any(|(_, t)| t == "hello #c"));
    assert!(c.menu_select(99).is_err());
}

#[test]
fn dialogs_transcript() {
    transcript("dialogs");
}

#[test]
fn prompts_transcript() {
    transcript("prompts");
}

#[test]
fn a_prompter_answers_from_another_thread() {
    use rustirc_core::client::{channel_prompter, PromptRequest};
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    let (tx, rx) = std::sync::mpsc::channel::<PromptRequest>();
    c.set_prompter(channel_prompter(tx, std::time::Duration::from_secs(5)));
    let gui = std::thread::spawn(move || {
        let q = rx.recv().unwrap();
        q.reply
            .send(Some(format!("answer to {}", q.prompt.text)))
            .unwrap();
        // Nobody answers the second question in time: `$$?` halts.
        let _late = rx.recv();
    });
    c.run_command("//echo -s $?=\"Q1\"");
    assert!(c
        .take_output()
        .shown
        .iter()
        .any(|(_, t)| t == "answer to Q1"));
    c.set_prompter(channel_prompter(
        {
            let (tx2, rx2) = std::sync::mpsc::channel::<PromptRequest>();
            std::thread::spawn(move || {
                let _q = rx2.recv();
                std::thread::sleep(std::time::Duration::from_millis(300));
            });
            tx2
        },
        std::time::Duration::from_millis(50),
    ));
    c.run_command("//echo -s got $$?=\"Q2\"");
    assert!(!c
        .take_output()
        .shown
        .iter()
        .any(|(_, t)| t.starts_with("got")));
    drop(c);
    gui.join().unwrap();
}
