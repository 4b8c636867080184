//! The table's ordering and matching rules, and the literal index agreeing with a plain walk.

use super::*;

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

fn text_handler(pattern: &str, target: &str, handle: u64) -> HandlerDecl {
    HandlerDecl {
        matcher: Matcher::wild(pattern),
        target: TargetFilter::parse(target),
        first_per_script: true,
        ..HandlerDecl::new("TEXT", handle)
    }
}

fn handles(t: &EventTable, idx: &[usize]) -> Vec<u64> {
    idx.iter()
        .map(|&i| t.entry(i).unwrap().decl.handle)
        .collect()
}

fn select(t: &EventTable, ev: &EventCtx<'_>) -> Vec<u64> {
    handles(
        t,
        &t.select(ev, Phase::Normal, false, &mut |_, _| String::new()),
    )
}

#[test]
fn first_match_per_file_then_files_in_load_order() {
    let mut t = EventTable::new();
    t.add(
        0,
        1,
        vec![text_handler("hi*", "#", 1), text_handler("*", "#", 2)],
    );
    t.add(
        0,
        2,
        vec![text_handler("*", "?", 3), text_handler("*", "*", 4)],
    );
    assert_eq!(
        select(&t, &ctx("TEXT", "hi there", Place::Channel("#a"))),
        [1, 4]
    );
    assert_eq!(select(&t, &ctx("TEXT", "yo", Place::Channel("#a"))), [2, 4]);
    assert_eq!(select(&t, &ctx("TEXT", "yo", Place::Private)), [3]);
}

#[test]
fn priority_orders_across_engines() {
    let mut t = EventTable::new();
    t.add(0, 1, vec![text_handler("*", "*", 1)]);
    let mut lua = HandlerDecl::new("TEXT", 2);
    lua.priority = 10;
    t.add(1, 2, vec![lua]);
    let mut low = HandlerDecl::new("TEXT", 3);
    low.priority = -5;
    t.add(1, 3, vec![low]);
    assert_eq!(select(&t, &ctx("TEXT", "x", Place::Private)), [2, 1, 3]);
}

#[test]
fn prefixes_phases_and_halting() {
    let mut t = EventTable::new();
    let mut pre = text_handler("*", "*", 1);
    pre.prefixes.pre = true;
    let mut amp = text_handler("*", "*", 2);
    amp.prefixes.skip_halted = true;
    let mut op = text_handler("*", "*", 3);
    op.prefixes.need_op = true;
    t.add(0, 1, vec![pre]);
    t.add(0, 2, vec![amp]);
    t.add(0, 3, vec![op]);
    let ev = ctx("TEXT", "x", Place::Channel("#a"));
    let none = &mut |_: &Entry, _| String::new();
    assert_eq!(handles(&t, &t.select(&ev, Phase::Pre, false, none)), [1]);
    assert_eq!(handles(&t, &t.select(&ev, Phase::Normal, false, none)), [2]);
    assert!(t.select(&ev, Phase::Normal, true, none).is_empty());
    let opped = EventCtx { me_op: true, ..ev };
    assert_eq!(
        handles(&t, &t.select(&opped, Phase::Normal, true, none)),
        [3]
    );

    let mut me = HandlerDecl::new("JOIN", 10);
    me.prefixes.me = true;
    let mut not_me = HandlerDecl::new("JOIN", 11);
    not_me.prefixes.not_me = true;
    t.add(0, 4, vec![me]);
    t.add(0, 5, vec![not_me]);
    let join = ctx("JOIN", "", Place::Channel("#a"));
    assert_eq!(select(&t, &join), [11]);
    assert_eq!(
        select(
            &t,
            &EventCtx {
                by_me: true,
                ..join
            }
        ),
        [10]
    );
}

#[test]
fn groups_keys_and_unload() {
    let mut t = EventTable::new();
    let mut g = text_handler("*", "*", 1);
    g.group = Some("#greet".into());
    t.add(0, 1, vec![g]);
    let mut raw = HandlerDecl::new("RAW", 2);
    raw.key = Some("366".into());
    let mut all = HandlerDecl::new("RAW", 3);
    all.key = Some("*".into());
    t.add(0, 2, vec![raw, all]);
    let ev = ctx("TEXT", "x", Place::Private);
    assert_eq!(select(&t, &ev), [1]);
    assert!(t.set_group(None, "#greet", false));
    assert!(select(&t, &ev).is_empty());
    assert!(t.set_group(Some(1), "greet", true));
    assert_eq!(select(&t, &ev), [1]);
    assert!(!t.set_group(None, "#nothing", false));

    let r366 = EventCtx {
        key: Some("366"),
        ..ctx("RAW", "me #a :End", Place::None)
    };
    assert_eq!(select(&t, &r366), [2, 3]);
    let r001 = EventCtx {
        key: Some("001"),
        ..r366
    };
    assert_eq!(select(&t, &r001), [3]);

    assert_eq!(t.remove_script(2), 2);
    assert!(select(&t, &r001).is_empty());
    assert_eq!(t.count("TEXT"), 1);
}

#[test]
fn dynamic_fields_are_evaluated_per_candidate() {
    let mut t = EventTable::new();
    let mut d = HandlerDecl::new("TEXT", 1);
    d.matcher = Matcher::Dynamic {
        field: Dynamic(7),
        regex: false,
    };
    d.target = TargetFilter::Dynamic(Dynamic(8));
    t.add(0, 1, vec![d]);
    let mut eval = |_: &Entry, f: Dynamic| match f.0 {
        7 => "*hello me*".to_string(),
        _ => "#a,#b".to_string(),
    };
    let ev = ctx("TEXT", "well hello me there", Place::Channel("#b"));
    assert_eq!(t.select(&ev, Phase::Normal, false, &mut eval).len(), 1);
    let ev = ctx("TEXT", "well hello me there", Place::Channel("#c"));
    assert!(t.select(&ev, Phase::Normal, false, &mut eval).is_empty());
}

/// The indexed selection must equal a plain walk over every handler in order.
#[test]
fn literal_index_agrees_with_a_plain_walk() {
    let patterns = [
        "*hello*",
        "!seen &",
        "*",
        "hi",
        "*World*",
        "?ey*",
        "!help*",
        "*bad*word*",
        "&",
        "x*y",
        "*ab*",
        "hello world",
        "*HELLO*",
    ];
    let mut t = EventTable::new();
    let mut walk = EventTable::new();
    for (i, p) in patterns.iter().cycle().take(60).enumerate() {
        let target = ["#", "*", "#a", "?"][i % 4];
        let d = text_handler(p, target, i as u64);
        t.add(0, i as u32, vec![d.clone()]);
        walk.add(0, i as u32, vec![d]);
    }
    // Force the unindexed path on the second table by checking it is indexed at all.
    assert!(t.buckets["TEXT"].scan.is_some());
    walk.set_indexed(false);
    assert!(walk.buckets["TEXT"].scan.is_none());
    for text in [
        "hello",
        "say Hello there",
        "!seen bob",
        "!help me",
        "hey you",
        "my bad word",
        "xzy",
        "hello world",
        "abc",
        "",
        "nothing",
    ] {
        for place in [Place::Channel("#a"), Place::Channel("#z"), Place::Private] {
            let ev = ctx("TEXT", text, place);
            assert_eq!(select(&t, &ev), select(&walk, &ev), "{text:?} {place:?}");
        }
    }
}

#[test]
fn outcomes_merge() {
    let a = Outcome {
        halt_default: true,
        stop_later: false,
    };
    let b = Outcome {
        halt_default: false,
        stop_later: true,
    };
    assert_eq!(
        a.merge(b),
        Outcome {
            halt_default: true,
            stop_later: true
        }
    );
}
