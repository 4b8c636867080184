//! mSL scripts on the event table: handlers declared from real script text are selected by
//! the table's rules and run by the mSL engine, with `halt`/`haltdef` becoming outcomes.

use rustirc_core::events::{EventCtx, EventTable, Phase, Place};
use rustirc_core::host::msl::MslEngine;
use rustirc_lang::{Limits, RecordingHost};

const SCRIPT_A: &str = r#"
on *:TEXT:!hello*:#: echo -a A hello $1-
on *:TEXT:*:#: echo -a A any $1-
on ^*:TEXT:*secret*:#: haltdef
on $*:TEXT:/^!roll (\d+)$/i:*: echo -a A roll $2
#quiet off
on *:TEXT:*:?: echo -a A private $1-
#quiet end
raw 366:*: echo -a A names $2
"#;

const SCRIPT_B: &str = "on *:TEXT:*:#chan: echo -a B $1\n";

fn ctx<'a>(event: &'a str, text: &'a str, place: Place<'a>) -> EventCtx<'a> {
    EventCtx {
        event,
        key: None,
        text,
        place,
        by_me: false,
        me_op: false,
        user_levels: &[],
        banner_levels: None,
        default_level: 1,
    }
}

/// Runs the normal handlers an event reaches and returns what they echoed.
fn fire(t: &EventTable, e: &mut MslEngine, ev: &EventCtx<'_>) -> Vec<String> {
    let mut host = RecordingHost::default();
    for i in t.select(ev, Phase::Normal, false, &mut |_, _| String::new()) {
        let entry = t.entry(i).unwrap();
        e.call(entry.decl.handle, ev.text, false, &mut host)
            .unwrap();
    }
    host.lines.into_iter().map(|(_, l)| l).collect()
}

#[test]
fn handlers_from_script_text_follow_the_table_rules() {
    let mut e = MslEngine::new(Limits::default());
    let mut t = EventTable::new();
    let a = e.load("a.mrc", SCRIPT_A.as_bytes());
    assert!(!a.report.has_errors(), "{:?}", a.report.diagnostics);
    assert_eq!(a.handlers.len(), 6);
    t.add(0, a.script, a.handlers);
    let b = e.load("b.mrc", SCRIPT_B.as_bytes());
    t.add(0, b.script, b.handlers);

    // First match per file: only A's `!hello*` handler, then B's.
    assert_eq!(
        fire(
            &t,
            &mut e,
            &ctx("TEXT", "!hello there", Place::Channel("#chan"))
        ),
        ["A hello !hello there", "B !hello"]
    );
    assert_eq!(
        fire(&t, &mut e, &ctx("TEXT", "other", Place::Channel("#x"))),
        ["A any other"]
    );
    // The regex handler is reached in private too; `$2` is the captured number's word.
    assert_eq!(
        fire(&t, &mut e, &ctx("TEXT", "!ROLL 6", Place::Private)),
        ["A roll 6"]
    );
    assert_eq!(
        fire(&t, &mut e, &ctx("TEXT", "psst", Place::Private)),
        ["A private psst"]
    );
    assert!(t.set_group(None, "#quiet", false));
    assert!(fire(&t, &mut e, &ctx("TEXT", "psst", Place::Private)).is_empty());

    let raw = EventCtx {
        key: Some("366"),
        ..ctx("RAW", "me #chan :End of /NAMES list.", Place::None)
    };
    assert_eq!(fire(&t, &mut e, &raw), ["A names #chan"]);
}

#[test]
fn haltdef_in_a_pre_handler_stops_the_default() {
    let mut e = MslEngine::new(Limits::default());
    let mut t = EventTable::new();
    let a = e.load("a.mrc", SCRIPT_A.as_bytes());
    t.add(0, a.script, a.handlers);
    let ev = ctx("TEXT", "a secret thing", Place::Channel("#chan"));
    let pre = t.select(&ev, Phase::Pre, false, &mut |_, _| String::new());
    assert_eq!(pre.len(), 1);
    let mut host = RecordingHost::default();
    let o = e
        .call(
            t.entry(pre[0]).unwrap().decl.handle,
            ev.text,
            false,
            &mut host,
        )
        .unwrap();
    assert!(o.halt_default);
}

#[test]
fn unload_removes_aliases_and_the_table_drops_handlers() {
    let mut e = MslEngine::new(Limits::default());
    let mut t = EventTable::new();
    let a = e.load("a.mrc", b"alias hi return hi\non *:JOIN:#: echo -a $hi\n");
    t.add(0, a.script, a.handlers);
    assert_eq!(t.count("JOIN"), 1);
    e.unload(a.script);
    assert_eq!(t.remove_script(a.script), 1);
    assert_eq!(t.count("JOIN"), 0);
    assert!(e.engine.alias_chunk("hi").is_none());
}
