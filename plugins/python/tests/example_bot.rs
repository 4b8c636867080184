//! The design's example bot (tests/python/example_bot.py, adapted to this API) runs: it
//! records who said what, answers `/seen` and `/config`, answers a mention, writes its log
//! and its state with relative paths that land in its own data folder, keeps its state
//! across a reload, and a write anywhere else is refused.

mod support;

use rustirc_core::replay::{leading_grants, parse, run, Session};
use std::path::Path;
use support::temp_dir;

#[test]
fn the_example_bot_runs_in_its_own_folder() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/example_bot.py");
    let bytes = std::fs::read(&script).unwrap();
    let dir = temp_dir("example-bot");
    let copy = dir.join("example_bot.py");
    std::fs::write(&copy, &bytes).unwrap();
    let name = copy.display().to_string();
    let steps = parse(&format!(
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
<< :ann!a@ann.host PRIVMSG #c :hello me, how are you
>> PRIVMSG #c :ann: Hello!
:: #c /seen ann
== #c ann was last seen 0 seconds ago in #c: hello me, how are you
:: #c /seen bob
== #c I haven't seen bob
:: #c /config set greeting Howdy
== #c Set greeting = Howdy
:: #c /config get greeting
== #c greeting = Howdy
<< :bob!b@bob.host PRIVMSG #c :hey me
>> PRIVMSG #c :bob: Howdy!
:: #c /write_elsewhere
== status is outside the script's data folder
:: status /py list
== status Example Bot 1.0.0
:: status /py reload {name}
== status Example Bot v1.0.0 loaded!
:: #c /seen bob
== #c bob was last seen
"
    ))
    .expect("transcript");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut session = Session::with_setup(&[(name, bytes)], leading_grants(&steps), &|c| {
        c.add_engine(support::engine());
        c.set_data_dir(&data).unwrap();
    });
    let r = run(&steps, &mut session);
    let folder = data.join("python").join("example_bot");
    let log = std::fs::read_to_string(folder.join("log_c.txt")).unwrap_or_default();
    let seen = std::fs::read_to_string(folder.join("seen_users.json")).unwrap_or_default();
    std::fs::remove_dir_all(&dir).ok();
    if let Err(m) = r {
        panic!("{m}");
    }
    assert!(log.contains("<ann> hello me, how are you"), "{log}");
    assert!(seen.contains("\"bob\""), "{seen}");
    assert!(!Path::new("/tmp/rustirc-example-bot.txt").exists());
}
