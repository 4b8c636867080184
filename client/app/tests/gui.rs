//! The desktop window driven through egui_kittest, without a display or GPU: the window
//! (`rustirc::ui::App`) runs over a real client on its own thread, and each test clicks and
//! types as a user would, then looks at what the window shows. What must hold: an alias typed
//! into the editor pane and applied is callable from the input line at once; a broken script
//! shows its diagnostics and a click on one moves the cursor there; a permission prompt
//! grants and denies; the manager installs, enables and disables a script from a repository
//! on loopback; the input line completes nicks and commands and keeps its history; a script's
//! dialog is drawn with its controls, and clicks, typing, selections and closing reach the
//! script's `on DIALOG` handlers; a script's `$?` question is asked in a window and waits for
//! its answer.

mod support;

use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use rustirc::desktop::{build, options, Start};
use rustirc::ui::App;
use rustirc_core::settings::Settings;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A window over a client with `settings`, its data in `dir/data`, without the built-in
/// scripts.
pub fn window(dir: &Path, settings: Settings) -> Harness<'static, App> {
    let start = Start {
        settings,
        data: dir.join("data"),
        stdlib: false,
        connect: true,
    };
    let opts = options(&start, Some(dir.join("config.toml")));
    let app = App::new(Box::new(move |prep| build(&start, prep)), opts, None);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    // The client's first state (what the scripts showed as they loaded).
    until(&mut h, "the client to start", |a| {
        !a.view.snap.nets.is_empty()
    });
    h
}

/// Steps the window until `cond` holds (10 s at most; the core thread answers in between).
pub fn until(h: &mut Harness<'static, App>, what: &str, cond: impl Fn(&App) -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        h.step();
        if cond(h.state()) {
            h.step();
            return;
        }
        assert!(
            Instant::now() < end,
            "timed out waiting for {what}; the input line holds {:?}; the buffers hold:\n{:#?}",
            h.state().input.text,
            h.state()
                .view
                .buffers
                .values()
                .map(|b| (&b.name, b.lines.iter().map(|l| &l.text).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The lines of buffer (cid, window).
pub fn lines(app: &App, cid: u32, window: &str) -> Vec<String> {
    app.view
        .buffers
        .get(&(cid, window.to_lowercase()))
        .map(|b| b.lines.iter().map(|l| l.text.clone()).collect())
        .unwrap_or_default()
}

/// Types `text` into the input line and presses Enter.
pub fn type_line(h: &mut Harness<'static, App>, text: &str) {
    h.ctx
        .memory_mut(|m| m.request_focus(egui::Id::unique("input_line")));
    h.step();
    h.event(egui::Event::Text(text.to_string()));
    h.key_press(egui::Key::Enter);
    h.step();
}

/// Clicks `item` in menu `menu` of the menu bar.
pub fn menu(h: &mut Harness<'static, App>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    h.get_by_label(item).click();
    h.run();
}

/// Opens a new script in the editor pane through the menu and types `text` into it.
fn type_script(h: &mut Harness<'static, App>, text: &str) {
    menu(h, "File", "New script");
    h.ctx
        .memory_mut(|m| m.request_focus(rustirc::ui::panels::editor::editor_id()));
    h.step();
    h.event(egui::Event::Text(text.to_string()));
    h.step();
}

fn has(app: &App, window: &str, text: &str) -> bool {
    lines(app, 1, window).iter().any(|l| l.contains(text))
}

#[test]
fn an_alias_typed_into_the_editor_and_applied_runs_from_the_input_line() {
    let dir = support::test_dir("gui-alias");
    let mut h = window(&dir, Settings::default());
    type_script(&mut h, "alias hello { echo -s Hello from the editor, $1 }");
    assert_eq!(
        h.state().editor.tab().unwrap().text,
        "alias hello { echo -s Hello from the editor, $1 }"
    );
    h.get_by_label("Apply").click();
    until(&mut h, "the script to load", |a| {
        a.view
            .snap
            .scripts
            .iter()
            .any(|s| s.file.ends_with("untitled1.mrc"))
    });
    // Saved where new scripts go.
    let saved = dir.join("data/scripts/untitled1.mrc");
    assert!(saved.exists(), "{} not saved", saved.display());
    type_line(&mut h, "/hello world");
    until(&mut h, "the alias's output", |a| {
        has(a, "status", "Hello from the editor, world")
    });
    // Changing it and pressing Ctrl+S reloads it in place.
    h.ctx
        .memory_mut(|m| m.request_focus(rustirc::ui::panels::editor::editor_id()));
    h.step();
    h.state_mut().editor.tabs[0].text = "alias hello { echo -s Changed: $1 }".into();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    until(&mut h, "the reload", |a| {
        has(a, "status", "Reloaded script")
    });
    type_line(&mut h, "/hello again");
    until(&mut h, "the new alias's output", |a| {
        has(a, "status", "Changed: again")
    });
    // The input line remembers what was typed: Up brings it back.
    h.ctx
        .memory_mut(|m| m.request_focus(egui::Id::unique("input_line")));
    h.step();
    h.key_press(egui::Key::ArrowUp);
    h.step();
    assert_eq!(h.state().input.text, "/hello again");
}

#[test]
fn a_broken_script_shows_its_diagnostics_and_a_click_jumps_to_the_line() {
    let dir = support::test_dir("gui-diag");
    let mut h = window(&dir, Settings::default());
    type_script(
        &mut h,
        "alias ok { echo -s fine }\n\nalias broken {\n  echo -s no end\n",
    );
    until(&mut h, "the diagnostics", |a| {
        !a.editor.tab().unwrap().diagnostics.is_empty()
    });
    let diags = h.state().editor.tab().unwrap().diagnostics.clone();
    let d = &diags[0];
    assert!(
        d.message.contains("brace") || d.message.contains("}"),
        "{}",
        d.message
    );
    // The list names the line; clicking it moves the editor's cursor there.
    let label = format!("line {}:{}: {}", d.line, d.col, d.message);
    h.get_by_label(&label).click_accesskit();
    h.step();
    h.step();
    let line = h.state().editor.cursor_line(&h.ctx);
    assert_eq!(line, Some(d.line as usize));
    // Fixing it clears them.
    h.state_mut().editor.tabs[0].text.push_str("}\n");
    until(&mut h, "the diagnostics to clear", |a| {
        a.editor.tab().unwrap().diagnostics.is_empty()
    });
}

fn reader_script(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(format!("{name}.mrc"));
    std::fs::write(
        &p,
        format!("; name: {name}\n; permissions: file-read:/tmp\nalias {name}check echo -s /tmp is a folder: $isdir(/tmp)\n"),
    )
    .unwrap();
    p
}

#[test]
fn a_permission_prompt_grants_once_and_denies() {
    let dir = support::test_dir("gui-perms");
    let settings = Settings {
        scripts: vec![reader_script(&dir, "reader"), reader_script(&dir, "other")],
        ..Settings::default()
    };
    let mut h = window(&dir, settings);
    type_line(&mut h, "/readercheck");
    until(&mut h, "the prompt", |a| {
        !a.view.permission_requests.is_empty()
    });
    assert!(has(
        h.state(),
        "status",
        "reader is not allowed to read /tmp"
    ));
    h.get_by_label("Grant once").click();
    until(&mut h, "the answer", |a| {
        a.view.permission_requests.is_empty()
    });
    type_line(&mut h, "/readercheck");
    until(&mut h, "the granted read", |a| {
        has(a, "status", "/tmp is a folder: $true")
    });
    // The other script is denied, and the denial is kept.
    type_line(&mut h, "/othercheck");
    until(&mut h, "the second prompt", |a| {
        !a.view.permission_requests.is_empty()
    });
    h.get_by_label("Deny").click();
    until(&mut h, "the denial to be kept", |a| {
        a.view
            .snap
            .decisions
            .iter()
            .any(|(n, _, denied)| n == "other" && !denied.is_empty())
    });
    let before = lines(h.state(), 1, "status").len();
    type_line(&mut h, "/othercheck");
    until(&mut h, "the refusal", |a| {
        lines(a, 1, "status").len() > before
    });
    assert!(
        h.state().view.permission_requests.is_empty(),
        "a denied permission asked again"
    );
    let audit = std::fs::read_to_string(dir.join("data/audit.log")).unwrap();
    assert!(
        audit.contains("\"other\"") && audit.contains("deny"),
        "{audit}"
    );
}

#[test]
fn the_window_connects_to_ngircd_joins_and_talks_with_another_user() {
    let dir = support::test_dir("gui-e2e");
    let port = support::free_port();
    let _server = support::Ngircd::start(&dir, port, None);
    let mut h = window(&dir, Settings::default());
    // Server → Connect…, filled in as a user would.
    menu(&mut h, "Server", "Connect…");
    {
        let c = &mut h.state_mut().connect;
        c.server = format!("127.0.0.1:{port}");
        c.nick = "guiuser".into();
        c.channels = "#gui".into();
    }
    h.step();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Connect")
        .click();
    until(&mut h, "the join", |a| {
        a.view
            .snap
            .nets
            .iter()
            .any(|n| n.channels.iter().any(|c| c.name == "#gui"))
    });
    // The network is kept in the config file.
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.contains(&format!("127.0.0.1:{port}")) && config.contains("#gui"),
        "{config}"
    );
    // The channel joined is shown; the test goes back to the status window to see it mark
    // what it misses.
    assert_eq!(h.state().view.active, (1, "#gui".to_string()));
    h.get_by(|n| {
        n.label()
            .is_some_and(|l| l == "status" || l.starts_with("status ("))
    })
    .click();
    h.step();
    h.step();
    assert_eq!(h.state().view.active, (1, "status".to_string()));
    let mut bob = support::User::connect(port, "bob");
    bob.send("JOIN #gui");
    bob.wait_for("#gui", "guiuser");
    until(&mut h, "bob in the nick list", |a| {
        a.view.snap.nets[0]
            .channels
            .iter()
            .any(|c| c.nicks.iter().any(|(_, n)| n == "bob"))
    });
    bob.send("PRIVMSG #gui :hello \x02there\x02 guiuser");
    until(&mut h, "bob's message", |a| {
        has(a, "#gui", "hello \x02there\x02 guiuser")
    });
    // The channel is in the tree, with an unread mark until it is shown.
    assert!(h.state().view.buffers[&(1, "#gui".to_string())].unread > 0);
    h.get_by_label_contains("#gui (").click();
    h.step();
    assert_eq!(h.state().view.active, (1, "#gui".to_string()));
    // Tab completes bob's nick at the start of the line.
    h.ctx
        .memory_mut(|m| m.request_focus(egui::Id::unique("input_line")));
    h.step();
    h.event(egui::Event::Text("bo".into()));
    h.key_press(egui::Key::Tab);
    until(&mut h, "the completion", |a| a.input.text == "bob: ");
    h.event(egui::Event::Text("hi from the window".into()));
    h.key_press(egui::Key::Enter);
    h.step();
    until(&mut h, "my own line", |a| {
        has(a, "#gui", "<guiuser> bob: hi from the window")
    });
    bob.expect(
        |l| l.contains("PRIVMSG #gui :bob: hi from the window"),
        "the window's message",
    );
    // The status bar shows the network and my nick.
    h.step();
    assert!(h.query_by_label(&format!("Net{port} — guiuser")).is_some());
}

/// A static HTTP server on loopback serving `root` (the repository), one request per
/// connection, until the test ends.
fn serve_folder(root: PathBuf) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for c in listener.incoming().flatten() {
            support::answer_get(c, &root);
        }
    });
    port
}

#[test]
fn the_manager_installs_enables_and_disables_a_script_from_a_repository() {
    use rustirc_core::repo;
    let dir = support::test_dir("gui-manager");
    // A signed repository with one script, served on loopback.
    let pubdir = dir.join("pub");
    let key = dir.join("repo.key");
    let public = repo::init(&pubdir, &key).unwrap();
    let src = dir.join("greeter.mrc");
    std::fs::write(
        &src,
        "; name: greeter\n; version: 1.0.0\n; author: Ann\n; description: says hello\nalias greet echo -s Greetings from the repository, $1\n",
    )
    .unwrap();
    repo::add(&pubdir, &src, &repo::AddOptions::default()).unwrap();
    repo::sign(&pubdir, &key).unwrap();
    let port = serve_folder(pubdir);
    let settings = Settings {
        repository: repo::RepositorySettings {
            url: Some(format!("http://127.0.0.1:{port}/")),
            trusted_keys: vec![public],
            ca_file: None,
        },
        ..Settings::default()
    };
    let mut h = window(&dir, settings);
    menu(&mut h, "Tools", "Script manager");
    until(&mut h, "the index", |a| a.manager.index.is_some());
    // Search finds it; its details show its author and description.
    h.state_mut().manager.query = "hello".into();
    h.step();
    h.get_by_label_contains("greeter [mrc]").click();
    h.step();
    assert!(h.query_by_label("says hello").is_some());
    assert!(h.query_by_label("Ann").is_some());
    h.get_by_label("Install").click();
    until(&mut h, "the install and load", |a| {
        a.view
            .snap
            .scripts
            .iter()
            .any(|s| s.file.ends_with("greeter.mrc"))
    });
    assert!(h.state().manager.installed.packages["greeter"].enabled);
    type_line(&mut h, "/greet you");
    until(&mut h, "the installed alias", |a| {
        has(a, "status", "Greetings from the repository, you")
    });
    // Disable: unloaded from the client, kept installed.
    h.get_by_label("Disable").click();
    until(&mut h, "the unload", |a| {
        !a.view
            .snap
            .scripts
            .iter()
            .any(|s| s.file.ends_with("greeter.mrc"))
    });
    assert!(!h.state().manager.installed.packages["greeter"].enabled);
    // Enable: loaded again.
    h.get_by_label("Enable").click();
    until(&mut h, "the load", |a| {
        a.view
            .snap
            .scripts
            .iter()
            .any(|s| s.file.ends_with("greeter.mrc"))
            && a.manager.installed.packages["greeter"].enabled
    });
    // Uninstall: gone from the client and the disk.
    h.get_by_label("Uninstall").click();
    until(&mut h, "the removal", |a| {
        a.manager.installed.packages.is_empty()
    });
    until(&mut h, "the unload", |a| {
        !a.view
            .snap
            .scripts
            .iter()
            .any(|s| s.file.ends_with("greeter.mrc"))
    });
}

#[test]
fn a_click_on_a_line_of_a_custom_window_selects_it_and_runs_sclick() {
    let dir = support::test_dir("gui-window-sclick");
    let script = "menu @log {\n  sclick:echo -s clicked $sline(@log,1) at $sline(@log,1).ln\n}\n";
    let mut h = window(&dir, with_script(&dir, "log", script));
    type_line(&mut h, "/window @log");
    type_line(&mut h, "/aline @log first entry");
    type_line(&mut h, "/aline @log second entry");
    until(&mut h, "the lines", |a| lines(a, 1, "@log").len() == 2);
    h.get_by_label_contains("@log").click();
    h.run();
    h.get_by_label_contains("second entry").click();
    until(&mut h, "sclick", |a| {
        has(a, "status", "clicked second entry at 2")
    });
    assert_eq!(
        h.state().view.buffers[&(1, "@log".to_string())].selected,
        [1]
    );
}

#[test]
fn a_custom_window_receives_aline_and_its_typed_lines() {
    let dir = support::test_dir("gui-window");
    let script = dir.join("notes.mrc");
    std::fs::write(&script, "on *:INPUT:@notes: aline @notes - $1-\n").unwrap();
    let settings = Settings {
        scripts: vec![script],
        ..Settings::default()
    };
    let mut h = window(&dir, settings);
    type_line(&mut h, "/window -e @notes");
    type_line(&mut h, "/aline @notes first line");
    until(&mut h, "the line in @notes", |a| {
        lines(a, 1, "@notes").iter().any(|l| l == "first line")
    });
    // The window is in the tree; shown, its input line goes to on INPUT.
    h.get_by_label_contains("@notes").click();
    h.step();
    h.step();
    assert_eq!(h.state().view.active, (1, "@notes".to_string()));
    type_line(&mut h, "buy bread");
    until(&mut h, "the typed line", |a| {
        lines(a, 1, "@notes").iter().any(|l| l == "- buy bread")
    });
}

/// Whether something labelled `label` is drawn.
fn shown(h: &Harness<'static, App>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

/// Writes `text` as the script `name.mrc` in `dir` and returns settings loading it.
fn with_script(dir: &Path, name: &str, text: &str) -> Settings {
    let script = dir.join(format!("{name}.mrc"));
    std::fs::write(&script, text).unwrap();
    Settings {
        scripts: vec![script],
        ..Settings::default()
    }
}

/// The open dialog `name`'s control `id`, as the window last heard of it.
fn control(app: &App, name: &str, id: u32) -> Option<rustirc_core::client::Control> {
    app.view
        .snap
        .dialogs
        .iter()
        .find(|d| d.name == name)
        .and_then(|d| d.control(id))
        .cloned()
}

const DEMO_DIALOG: &str = r#"dialog demo {
  title "Demo dialog"
  size -1 -1 160 110
  option dbu
  text "Colours:", 1, 5 5 60 10
  list 2, 5 16 70 40
  edit "", 3, 5 60 70 12
  check "Loud", 6, 80 40 50 12
  button "Say hi", 4, 80 5 50 14
  button "Locked", 7, 80 22 50 14
  button "Done", 5, 80 90 50 14, ok
}
on *:DIALOG:demo:init:0: did -a demo 2 Red | did -a demo 2 Green | did -b demo 7
on *:DIALOG:demo:sclick:2: echo -s picked $did(demo,2).seltext
on *:DIALOG:demo:sclick:4: echo -s hi from the dialog: $did(demo,3) loud: $did(demo,6).state
on *:DIALOG:demo:sclick:7: echo -s the locked button was clicked
on *:DIALOG:demo:close:0: echo -s demo closed with $did(demo,3)
"#;

#[test]
fn a_script_dialog_is_drawn_and_its_controls_reach_on_dialog() {
    let dir = support::test_dir("gui-dialog");
    let mut h = window(&dir, with_script(&dir, "demo", DEMO_DIALOG));
    type_line(&mut h, "/dialog -m demo demo");
    until(&mut h, "the dialog with the lines init added", |a| {
        control(a, "demo", 2).is_some_and(|c| c.items.len() == 2)
    });
    // Drawn: its title, its controls, and the lines `/did -a` added in `init`.
    for label in [
        "Demo dialog",
        "Colours:",
        "Say hi",
        "Loud",
        "Red",
        "Green",
        "Done",
    ] {
        assert!(shown(&h, label), "{label} is not drawn");
    }
    // A list line picked: sclick, with the selection set.
    h.get_by_label("Green").click();
    until(&mut h, "the pick", |a| has(a, "status", "picked Green"));
    // Typing into the edit box: the script reads what was typed.
    h.ctx
        .memory_mut(|m| m.request_focus(rustirc::ui::panels::dialogs::edit_id("demo", 3)));
    h.step();
    h.event(egui::Event::Text("hello".into()));
    h.step();
    until(&mut h, "the typed text in the client", |a| {
        control(a, "demo", 3).is_some_and(|c| c.text == "hello")
    });
    h.get_by_label("Loud").click();
    until(&mut h, "the check box to be checked", |a| {
        control(a, "demo", 6).is_some_and(|c| c.state == 1)
    });
    h.get_by_label("Say hi").click();
    until(&mut h, "the button's handler", |a| {
        has(a, "status", "hi from the dialog: hello loud: 1")
    });
    // A control `/did -b` disabled is drawn disabled, and clicking it does nothing.
    assert!(h.get_by_label("Locked").accesskit_node().is_disabled());
    h.get_by_label("Locked").click();
    for _ in 0..5 {
        h.step();
    }
    assert!(!has(h.state(), "status", "the locked button was clicked"));
    // The ok button closes it: close runs (the controls still readable), the window goes.
    h.get_by_label("Done").click();
    until(&mut h, "the dialog to close", |a| {
        a.view.snap.dialogs.is_empty() && has(a, "status", "demo closed with hello")
    });
    assert!(!shown(&h, "Demo dialog"));
    assert!(!shown(&h, "Say hi"));
}

const TABBED_DIALOG: &str = r#"dialog tabbed {
  title "Tabbed"
  size -1 -1 200 100
  option dbu
  tab "First", 1, 5 5 190 90
  tab "Second", 2
  text "On the first tab", 3, 10 25 100 10, tab 1
  text "On the second tab", 4, 10 25 100 10, tab 2
  edit "", 5, 10 40 100 12, tab 2
  button "Fill", 6, 120 40 40 14, tab 2
}
on *:DIALOG:tabbed:sclick:2: echo -s the second tab was picked
on *:DIALOG:tabbed:sclick:6: did -ra tabbed 5 filled by the script
on *:DIALOG:tabbed:close:0: echo -s tabbed closed
"#;

#[test]
fn a_dialog_shows_one_tab_at_a_time_takes_script_changes_and_closes_from_its_title_bar() {
    let dir = support::test_dir("gui-dialog-tabs");
    let mut h = window(&dir, with_script(&dir, "tabbed", TABBED_DIALOG));
    type_line(&mut h, "/dialog -m tabbed tabbed");
    until(&mut h, "the dialog", |a| !a.view.snap.dialogs.is_empty());
    assert!(shown(&h, "On the first tab"));
    assert!(!shown(&h, "On the second tab"));
    h.get_by_label("Second").click();
    until(&mut h, "the tab's sclick", |a| {
        has(a, "status", "the second tab was picked")
    });
    assert!(shown(&h, "On the second tab"));
    assert!(!shown(&h, "On the first tab"));
    // The user types, then a script replaces the text: the box shows the script's text.
    h.ctx
        .memory_mut(|m| m.request_focus(rustirc::ui::panels::dialogs::edit_id("tabbed", 5)));
    h.step();
    h.event(egui::Event::Text("typed".into()));
    h.step();
    until(&mut h, "the typed text in the client", |a| {
        control(a, "tabbed", 5).is_some_and(|c| c.text == "typed")
    });
    h.get_by_label("Fill").click();
    until(&mut h, "the script's text", |a| {
        control(a, "tabbed", 5).is_some_and(|c| c.text == "filled by the script")
    });
    h.step();
    assert!(h
        .query_all_by_value("filled by the script")
        .next()
        .is_some());
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Close window")
        .click();
    until(&mut h, "the dialog to close", |a| {
        a.view.snap.dialogs.is_empty() && has(a, "status", "tabbed closed")
    });
    assert!(!shown(&h, "Tabbed"));
}

#[test]
fn a_question_from_a_script_waits_for_the_answer_typed_into_its_window() {
    let dir = support::test_dir("gui-prompt");
    let mut h = window(
        &dir,
        with_script(
            &dir,
            "ask",
            "alias ask echo -s answer: $?=\"Your name?\"\nalias sure echo -s sure: $?!=\"Sure?\"\n",
        ),
    );
    // OK answers what was typed.
    type_line(&mut h, "/ask");
    until(&mut h, "the question", |a| a.prompts.is_asking());
    assert!(shown(&h, "Your name?"));
    h.event(egui::Event::Text("Ann".into()));
    h.step();
    h.get_by_label("OK").click();
    until(&mut h, "the answer", |a| has(a, "status", "answer: Ann"));
    assert!(!h.state().prompts.is_asking());
    assert!(!shown(&h, "Your name?"));
    // Cancel answers $null.
    type_line(&mut h, "/ask");
    until(&mut h, "the question again", |a| a.prompts.is_asking());
    h.event(egui::Event::Text("ignored".into()));
    h.step();
    h.get_by_label("Cancel").click();
    until(&mut h, "the empty answer", |a| {
        lines(a, 1, "status")
            .iter()
            .any(|l| l.trim_end() == "answer:")
    });
    // Enter answers too.
    type_line(&mut h, "/ask");
    until(&mut h, "the question a third time", |a| {
        a.prompts.is_asking()
    });
    h.event(egui::Event::Text("Bob".into()));
    h.key_press(egui::Key::Enter);
    until(&mut h, "the answer by Enter", |a| {
        has(a, "status", "answer: Bob")
    });
    // A yes-or-no question has Yes and No.
    type_line(&mut h, "/sure");
    until(&mut h, "the yes-or-no question", |a| a.prompts.is_asking());
    h.get_by_label("No").click();
    until(&mut h, "no", |a| has(a, "status", "sure: $false"));
    assert!(!lines(h.state(), 1, "status")
        .iter()
        .any(|l| l.contains("ignored")));
}

/// Steps the window until a widget labelled `label` exists (10 s at most).
fn until_label(h: &mut Harness<'static, App>, label: &str) {
    let end = Instant::now() + Duration::from_secs(10);
    while h.query_by_label(label).is_none() {
        if Instant::now() >= end {
            let tree = format!("{:#?}", h.root());
            let labels: Vec<&str> = tree
                .lines()
                .filter(|l| l.trim_start().starts_with("label:"))
                .collect();
            panic!("timed out waiting for {label:?}; the window shows {labels:#?}");
        }
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn importing_a_mirc_folder_shows_the_report_and_loads_it() {
    let dir = support::test_dir("gui-import");
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/import/mirc");
    let mut h = window(&dir, Settings::default());
    menu(&mut h, "File", "Import mIRC script…");
    h.get_by_label("File or mIRC folder:").click();
    h.step();
    h.event(egui::Event::Text(folder.display().to_string()));
    h.step();
    h.get_by_label("Check").click();
    h.run();
    // The report: each script in load order with what it holds, and what was skipped, where.
    h.get_by_label("greet.mrc");
    h.get_by_label("0 aliases, 1 events, 1 menus, 1 dialogs");
    h.get_by_label("2 skipped, 1 warning");
    assert!(h.query_by_label_contains("gone.mrc").is_some());
    assert!(
        h.query_by_label("away.mrc:7").is_some(),
        "the line of the skipped alias"
    );
    assert!(
        h.query_by_label("away.mrc:4").is_some(),
        "the line of the warning"
    );
    h.get_by_label("Load what loads").click();
    until(&mut h, "the import to load", |a| {
        !a.import.loaded.is_empty()
    });
    h.get_by_label("Loaded 3 scripts.");
    // Its variables and aliases are there at once.
    type_line(&mut h, "//echo -s greeting: %greeting");
    until(&mut h, "the imported variable", |a| {
        has(a, "status", "greeting: Hello there")
    });
    assert!(dir.join("data/scripts/greet.mrc").is_file());
}

#[test]
fn a_popup_menu_item_runs_its_command() {
    let dir = support::test_dir("gui-popup");
    let script = dir.join("menus.mrc");
    std::fs::write(
        &script,
        "menu status {\n  Say hello:echo -s hello from the status menu\n  Keys:echo -s ctrl $iif($mouse.key & 2,yes,no) on $mouse.win\n  More\n  .Count $calc(1+1):echo -s counted\n}\nmenu menubar {\n  Away for lunch:echo -s away for lunch\n}\n",
    )
    .unwrap();
    let settings = Settings {
        scripts: vec![script],
        ..Settings::default()
    };
    let mut h = window(&dir, settings);
    // A right click in the status window opens its menu with the evaluated labels.
    type_line(&mut h, "/echo -s right click here");
    until(&mut h, "the line", |a| has(a, "status", "right click here"));
    h.get_by_label_contains("right click here")
        .click_secondary();
    h.step();
    until_label(&mut h, "Say hello");
    h.get_by_label("More").click_accesskit();
    h.run();
    until_label(&mut h, "Count 2");
    h.get_by_label("Say hello").click();
    until(&mut h, "the menu's command", |a| {
        has(a, "status", "hello from the status menu")
    });
    // $mouse.key tells a Ctrl-click.
    h.get_by_label_contains("right click here")
        .click_secondary();
    h.step();
    until_label(&mut h, "Keys");
    h.run();
    h.get_by_label("Keys")
        .click_modifiers(egui::Modifiers::CTRL);
    until(&mut h, "the Ctrl-click", |a| {
        has(a, "status", "ctrl yes on status")
    });
    // The menubar's items are in Commands.
    h.get_by_label("Commands").click();
    h.run();
    until_label(&mut h, "Away for lunch");
    h.get_by_label("Away for lunch").click();
    until(&mut h, "the Commands item", |a| {
        has(a, "status", "away for lunch")
    });
}

#[test]
fn a_function_key_runs_its_alias_and_stop_ends_an_endless_loop() {
    let dir = support::test_dir("gui-keys");
    let script = dir.join("keys.mrc");
    std::fs::write(
        &script,
        "alias F5 echo -s F5 pressed in $active\nalias sF5 echo -s shift F5\nalias spin { write spinning.txt yes | while (1) { inc %n } }\n",
    )
    .unwrap();
    let settings = Settings {
        scripts: vec![script],
        // No budget would end the loop in time: only the stop does (the clock limit is
        // there so that a failing test does not leave it running).
        limits: rustirc_core::settings::LimitSettings {
            instructions: Some(u64::MAX / 2),
            wall_ms: Some(30_000),
            ..Default::default()
        },
        ..Settings::default()
    };
    let mut h = window(&dir, settings);
    h.key_press(egui::Key::F5);
    until(&mut h, "F5", |a| has(a, "status", "F5 pressed in status"));
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::F5);
    until(&mut h, "Shift+F5", |a| has(a, "status", "shift F5"));
    type_line(&mut h, "/spin");
    // The window stays drawn while the script spins; Tools → Stop running script ends it.
    until(&mut h, "the loop to start", |_| {
        dir.join("data/spinning.txt").exists()
    });
    menu(&mut h, "Tools", "Stop running script");
    until(&mut h, "the stop", |a| {
        has(a, "status", "stopped by the user in alias spin")
    });
    type_line(&mut h, "/echo -s still here");
    until(&mut h, "the next command", |a| {
        has(a, "status", "still here")
    });
}

#[test]
fn a_custom_window_follows_iline_rline_dline_and_shows_its_list_box() {
    let dir = support::test_dir("gui-window-list");
    let script = "menu @files {\n  lbclick:echo -s picked $sline(@files,1) (line $sline(@files,1).ln $+ )\n}\n";
    let mut h = window(&dir, with_script(&dir, "files", script));
    type_line(&mut h, "/window -l @files");
    type_line(&mut h, "/aline @files one");
    type_line(&mut h, "/aline @files three");
    type_line(&mut h, "/iline @files 2 two");
    type_line(&mut h, "/rline @files 3 THREE");
    type_line(&mut h, "/aline -l @files a.txt");
    type_line(&mut h, "/aline @files gone");
    type_line(&mut h, "/dline @files 4");
    until(&mut h, "the lines in order", |a| {
        lines(a, 1, "@files") == ["one", "two", "THREE"]
    });
    h.get_by_label_contains("@files").click();
    h.run();
    // The list box is drawn beside the text; a click selects a line and runs lbclick.
    type_line(&mut h, "/aline -l @files b.txt");
    until(&mut h, "the second list line", |a| {
        a.view.buffers[&(1, "@files".to_string())].list.len() == 2
    });
    h.get_by_label("b.txt").click();
    until(&mut h, "lbclick", |a| {
        has(a, "status", "picked b.txt (line 2)")
    });
    assert_eq!(
        h.state().view.buffers[&(1, "@files".to_string())].selected,
        [1]
    );
    // /sline selects from the script.
    type_line(&mut h, "/sline @files 1");
    until(&mut h, "the script's selection", |a| {
        a.view.buffers[&(1, "@files".to_string())].selected == [0]
    });
}

#[test]
fn a_highlight_while_the_window_is_away_notifies_and_beeps_play() {
    use rustirc::ui::alerts::Signal;
    use std::sync::{Arc, Mutex};
    let dir = support::test_dir("gui-alerts");
    let mut settings = Settings::default();
    settings.alerts.sound = Some(true);
    let mut h = window(&dir, settings);
    let got: Arc<Mutex<Vec<Signal>>> = Arc::default();
    let seen = got.clone();
    h.state_mut().signaller = Box::new(move |s| seen.lock().unwrap().push(s.clone()));
    // In front: a highlight shows, and nothing is notified.
    type_line(&mut h, "//echo -s first mention | markline status");
    until(&mut h, "the first line", |a| {
        has(a, "status", "first mention")
    });
    assert!(got.lock().unwrap().is_empty(), "{:?}", got.lock().unwrap());
    // Away: the next one is a desktop notification and a sound.
    h.input_mut().focused = false;
    h.event(egui::Event::WindowFocused(false));
    h.step();
    type_line(&mut h, "//echo -s second mention | markline status");
    until(&mut h, "the second line", |a| {
        has(a, "status", "second mention")
    });
    h.step();
    let signals = got.lock().unwrap().clone();
    assert!(
        signals.contains(&Signal::Notify {
            title: "status".into(),
            text: "second mention".into()
        }),
        "{signals:?}"
    );
    assert!(signals.contains(&Signal::Sound(None)), "{signals:?}");
    // /beep asks for the bell.
    got.lock().unwrap().clear();
    type_line(&mut h, "/beep 2");
    until(&mut h, "the beeps", |_| got.lock().unwrap().len() >= 2);
}

#[test]
fn a_script_with_the_ui_permission_sets_the_title_plays_and_notifies() {
    use rustirc::ui::alerts::Signal;
    use std::sync::{Arc, Mutex};
    let dir = support::test_dir("gui-ui-perm");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/bell.wav"), b"RIFF").unwrap();
    let script = dir.join("chime.mrc");
    std::fs::write(
        &script,
        "; permissions: ui\nalias chime { titlebar tea time | tip it is time for tea | splay bell.wav }\n",
    )
    .unwrap();
    let mut settings = Settings {
        scripts: vec![script],
        ..Settings::default()
    };
    settings.permissions.0.insert(
        "chime.mrc".into(),
        vec![rustirc_core::permissions::Grant::parse("ui").expect("the ui permission")],
    );
    let mut h = window(&dir, settings);
    let got: Arc<Mutex<Vec<Signal>>> = Arc::default();
    let seen = got.clone();
    h.state_mut().signaller = Box::new(move |s| seen.lock().unwrap().push(s.clone()));
    type_line(&mut h, "/chime");
    until(&mut h, "the notification and the sound", |_| {
        got.lock().unwrap().len() >= 2
    });
    let signals = got.lock().unwrap().clone();
    assert_eq!(
        signals[0],
        Signal::Notify {
            title: "chime.mrc".into(),
            text: "it is time for tea".into()
        }
    );
    match &signals[1] {
        Signal::Sound(Some(p)) => assert!(p.ends_with("bell.wav"), "{}", p.display()),
        other => panic!("not the sound: {other:?}"),
    }
    assert_eq!(h.state().title, "RustIRC - tea time");
}

#[test]
fn enter_in_a_dialog_edit_box_presses_its_default_button() {
    let dir = support::test_dir("gui-dialog-enter");
    let script = "dialog ask {\n  title \"Ask\"\n  size -1 -1 200 80\n  edit \"\", 1, 10 10 180 20\n  button \"Go\", 2, 10 40 60 24, default\n  button \"Close\", 3, 80 40 60 24, ok\n}\non *:DIALOG:ask:sclick:2: echo -s go with $did(ask,1)\n";
    let mut h = window(&dir, with_script(&dir, "ask", script));
    type_line(&mut h, "/dialog -m ask ask");
    until(&mut h, "the dialog", |a| !a.view.snap.dialogs.is_empty());
    h.ctx
        .memory_mut(|m| m.request_focus(rustirc::ui::panels::dialogs::edit_id("ask", 1)));
    h.step();
    h.event(egui::Event::Text("tea".into()));
    h.step();
    h.key_press(egui::Key::Enter);
    until(&mut h, "the default button's handler", |a| {
        has(a, "status", "go with tea")
    });
    // Enter in the window's input line is not the dialog's.
    type_line(&mut h, "/echo -s typed");
    until(&mut h, "the typed line", |a| has(a, "status", "typed"));
    assert_eq!(
        lines(h.state(), 1, "status")
            .iter()
            .filter(|l| l.starts_with("go with"))
            .count(),
        1
    );
}

#[test]
fn input_asks_with_its_title_default_text_and_buttons() {
    let dir = support::test_dir("gui-input");
    let script = "alias rename echo -s renamed: $input(New name?,e,-1,Rename,guest)\nalias leave echo -s leave: $input(Leave?,nv,-1,Leaving)\n";
    let mut h = window(&dir, with_script(&dir, "input", script));
    type_line(&mut h, "/rename");
    until(&mut h, "the question", |a| a.prompts.is_asking());
    // Its title, and the default text already typed.
    assert!(shown(&h, "Rename"));
    h.event(egui::Event::Text("2".into()));
    h.step();
    h.get_by_label("OK").click();
    until(&mut h, "the answer", |a| {
        has(a, "status", "renamed: guest2")
    });
    // Yes, No and Cancel, answered as words with `v`.
    type_line(&mut h, "/leave");
    until(&mut h, "the second question", |a| a.prompts.is_asking());
    assert!(shown(&h, "Leaving"));
    h.get_by_label("Cancel").click();
    until(&mut h, "cancel", |a| has(a, "status", "leave: $cancel"));
    type_line(&mut h, "/leave");
    until(&mut h, "the third question", |a| a.prompts.is_asking());
    h.get_by_label("No").click();
    until(&mut h, "no", |a| has(a, "status", "leave: $no"));
}

#[test]
fn stop_ends_a_script_looping_in_on_start_before_the_client_is_up() {
    let dir = support::test_dir("gui-stop-start");
    let script = dir.join("spin.mrc");
    std::fs::write(
        &script,
        "on *:START: { write started.txt yes | while (1) { inc %n } }\n",
    )
    .unwrap();
    let start = Start {
        settings: Settings {
            scripts: vec![script],
            limits: rustirc_core::settings::LimitSettings {
                instructions: Some(u64::MAX / 2),
                wall_ms: Some(30_000),
                ..Default::default()
            },
            ..Settings::default()
        },
        data: dir.join("data"),
        stdlib: false,
        connect: true,
    };
    let opts = options(&start, Some(dir.join("config.toml")));
    let app = App::new(Box::new(move |prep| build(&start, prep)), opts, None);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    // The client is busy in the script's START handler: the window is drawn all the same.
    let started = dir.join("data/started.txt");
    let end = Instant::now() + Duration::from_secs(10);
    while !started.exists() {
        assert!(Instant::now() < end, "the START handler did not run");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.step();
    assert!(h.state().view.snap.nets.is_empty());
    menu(&mut h, "Tools", "Stop running script");
    until(&mut h, "the client to start", |a| {
        !a.view.snap.nets.is_empty()
    });
    until(&mut h, "the stop's message", |a| {
        has(a, "status", "stopped by the user in on START")
    });
}

#[test]
fn the_options_dialog_changes_the_file_as_it_is_now() {
    let dir = support::test_dir("gui-options");
    let config = dir.join("config.toml");
    std::fs::write(&config, "# my settings\n[limits]\ninstructions = 1000000\n").unwrap();
    let mut h = window(&dir, Settings::default());
    menu(&mut h, "Tools", "Options");
    h.get_by_label("Play a sound");
    // Something else changes the file while the dialog is open.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[[network]]\nname = \"net\"\nserver = \"irc.example.net:6667\"\nnick = \"me\"\n",
    );
    std::fs::write(&config, &text).unwrap();
    h.get_by_label("Play a sound").click();
    h.run();
    let after = std::fs::read_to_string(&config).unwrap();
    let s = Settings::parse(&after).unwrap();
    assert_eq!(s.alerts.sound, Some(true), "{after}");
    assert_eq!(
        s.networks.len(),
        1,
        "the network added meanwhile was lost:\n{after}"
    );
    assert!(after.starts_with("# my settings\n"), "{after}");
    assert!(h.state().options.alerts.sound());
    // A bad value is refused with its place, and the file stays as it was.
    h.get_by_label("Instructions per run:").click();
    h.step();
    h.event(egui::Event::Text("x".into()));
    h.step();
    h.get_by_label("Save limits").click();
    h.run();
    assert!(h
        .query_by_label_contains("is not a positive whole number")
        .is_some());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), after);
}
