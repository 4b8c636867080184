//! `rustirc import`'s core: a mIRC folder (tests/import/mirc) is checked in mirc.ini's order
//! with its variables, users and servers, and the report is the one docs/import.md shows;
//! installing it puts the scripts, variables and users into a data folder a client loads.

use rustirc_core::client::Client;
use rustirc_core::import::{import, install};
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .canonicalize()
        .unwrap()
}

/// The report of tests/import/mirc, with paths relative to the repository.
fn report_text() -> (rustirc_core::import::ImportReport, String) {
    let r = import(&[root().join("tests/import/mirc")]).expect("import");
    let text = r.render().replace(&format!("{}/", root().display()), "");
    (r, text)
}

#[test]
fn a_mirc_folder_is_reported_as_the_docs_show() {
    let (r, text) = report_text();
    let doc = std::fs::read_to_string(root().join("docs/import.md")).unwrap();
    let want = doc
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```text block in docs/import.md");
    assert_eq!(text, want, "docs/import.md's report differs:\n{text}");
    assert!(!r.ok());
    assert_eq!(r.files.len(), 3);
    assert_eq!(r.variables.len(), 2);
    assert_eq!(r.users.entries().len(), 2);
    assert_eq!(r.servers[1].port, 6697);
}

#[test]
fn installed_scripts_run_with_their_variables_and_users() {
    let (r, _) = report_text();
    let data = std::env::temp_dir().join(format!("rustirc-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let files = install(&r, &data).unwrap();
    assert_eq!(files.len(), 3);
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.set_data_dir(&data).unwrap();
    for f in &files {
        c.load_script(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    c.take_output();
    c.run_command("//echo -s $level(x!y@friend.example) %greeting %count");
    let out = c.take_output();
    assert!(
        out.shown
            .iter()
            .any(|(_, t)| t == "10,friend Hello there 3"),
        "{out:?}"
    );
    // The menu of greet.mrc is there.
    assert_eq!(c.menu("nicklist", "#c", &["ann"])[0].label, "Greet");
    assert!(std::fs::read_to_string(data.join("imported-servers.toml"))
        .unwrap()
        .contains("server = \"irc.other.example:6697\""));
    std::fs::remove_dir_all(&data).ok();
}
