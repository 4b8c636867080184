//! Native plugins under the permission model: a plugin declares what it asks for in its info
//! (ABI 1.1), the client shows it and keeps the user's answers until the declaration changes;
//! a host call the plugin was not granted (`/run` through the host's `command`) fails with
//! RUSTIRC_ERROR and a `last_error` that says why, asks the user, and is written to the audit
//! log, in-process and isolated alike; with the grant it runs. A plugin built against ABI 1.0
//! (whose info ends before `permissions`) still loads.

mod common;

use common::{c_plugin, dir, has, options};
use rustirc_core::permissions::{Decision, Grant, AUDIT_FILE};
use rustirc_native::testing::TestHost;
use rustirc_native::Options;
use std::path::Path;

fn perms_plugin(d: &Path, out: &str, name: &str, perms: &str) -> std::path::PathBuf {
    c_plugin(
        "plugins/native/tests/c/perms.c",
        d,
        out,
        &[
            &format!("-DPERMS=\"{perms}\""),
            &format!("-DNAME=\"{name}\""),
        ],
    )
}

/// The audit log's lines as (event, script, permission).
fn audit(data: &Path) -> Vec<(String, String, String)> {
    std::fs::read_to_string(data.join(AUDIT_FILE))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let f = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (f("event"), f("script"), f("permission"))
        })
        .collect()
}

fn refused_then_granted(isolated: bool) {
    let d = dir(if isolated { "perms-isolated" } else { "perms" });
    let data = d.join("data");
    let lib = perms_plugin(&d, "permtest", "permtest", "run");
    let opts = if isolated {
        options(&["permtest"], 20)
    } else {
        Options::default()
    };
    let mut t = TestHost::new(opts);
    t.client.set_data_dir(&data).unwrap();
    let shown = t.load(&lib);
    assert!(has(&shown, "permtest 1.0 loaded"), "{shown:?}");
    if isolated {
        assert!(has(&shown, "runs isolated in its own process"), "{shown:?}");
    }
    t.type_line("/plugin info permtest");
    let shown = t.take_shown();
    assert!(has(&shown, "permissions: run"), "{shown:?}");

    t.type_line("/tryrun");
    let out = t.client.take_output();
    let shown: Vec<String> = out.shown.iter().map(|(_, l)| l.clone()).collect();
    assert!(
        has(&shown, "permtest: refused /run true: ")
            && has(
                &shown,
                "/run: permtest is not allowed to run true; to allow it, grant it \"run\""
            ),
        "{shown:?}"
    );
    assert!(!has(&shown, "permtest: ran"), "{shown:?}");
    assert_eq!(
        out.permission_requests.len(),
        1,
        "{:?}",
        out.permission_requests
    );
    let r = &out.permission_requests[0];
    assert_eq!(
        (r.script.as_str(), r.permission.as_str()),
        ("permtest", "run")
    );
    assert_eq!(r.attempt, "run true");
    let refused = (
        "refused".to_string(),
        "permtest".to_string(),
        "run".to_string(),
    );
    assert!(audit(&data).contains(&refused), "{:?}", audit(&data));

    // A grant from the config (or --grant) lets it run.
    t.client.permissions.grant("permtest", vec![Grant::Run]);
    t.type_line("/tryrun");
    let shown = t.take_shown();
    assert!(has(&shown, "permtest: ran /run true"), "{shown:?}");
    // run is not network.
    t.type_line("/trycmd /sockopen s 127.0.0.1 1");
    let shown = t.take_shown();
    assert!(
        has(&shown, "permtest: refused /sockopen s 127.0.0.1 1: ")
            && has(
                &shown,
                "/sockopen: permtest is not allowed to connect to 127.0.0.1 port 1"
            ),
        "{shown:?}"
    );
}

#[test]
fn an_in_process_plugins_host_call_needs_the_grant() {
    refused_then_granted(false);
}

#[test]
fn an_isolated_plugins_host_call_needs_the_grant() {
    refused_then_granted(true);
}

#[test]
fn an_answer_stands_until_the_plugin_declares_other_permissions() {
    let d = dir("perms-decl");
    let data = d.join("data");
    let first = perms_plugin(&d, "declone", "decl", "run");
    let same = perms_plugin(&d, "decltwo", "decl", " run ");
    let more = perms_plugin(&d, "declmore", "decl", "run, network");
    let mut t = TestHost::new(Options::default());
    t.client.set_data_dir(&data).unwrap();
    t.load(&first);
    t.type_line("/tryrun");
    assert!(has(&t.take_shown(), "decl: refused /run true"));
    t.client.decide("decl", "run", Decision::Always).unwrap();
    t.type_line("/tryrun");
    assert!(has(&t.take_shown(), "decl: ran /run true"));

    // The same declaration (another build): the answer stands.
    t.type_line("/plugin unload decl");
    t.take_shown();
    t.load(&same);
    t.type_line("/tryrun");
    assert!(has(&t.take_shown(), "decl: ran /run true"));

    // New permissions declared: asked again.
    t.type_line("/plugin unload decl");
    t.take_shown();
    let shown = t.load(&more);
    assert!(has(&shown, "decl 1.0 loaded"), "{shown:?}");
    t.type_line("/plugin info decl");
    assert!(has(&t.take_shown(), "permissions: run, network"));
    t.type_line("/tryrun");
    let out = t.client.take_output();
    let shown: Vec<String> = out.shown.iter().map(|(_, l)| l.clone()).collect();
    assert!(has(&shown, "decl: refused /run true"), "{shown:?}");
    assert_eq!(out.permission_requests.len(), 1);
    let events: Vec<String> = audit(&data).into_iter().map(|(e, _, _)| e).collect();
    assert_eq!(
        events,
        ["refused", "grant-always", "declared", "refused"],
        "{events:?}"
    );
}

#[test]
fn a_plugin_built_against_abi_1_0_still_loads() {
    let d = dir("v10");
    let lib = c_plugin("plugins/native/tests/c/v10.c", &d, "old", &[]);
    let mut t = TestHost::new(Options::default());
    let shown = t.load(&lib);
    assert!(has(&shown, "old 1.0 loaded"), "{shown:?}");
    t.type_line("/old");
    assert!(has(&t.take_shown(), "old plugin answers"));
    t.type_line("/plugin info old");
    let shown = t.take_shown();
    assert!(has(&shown, "ABI: 1.0 (client 1.1)"), "{shown:?}");
    assert!(!has(&shown, "permissions:"), "{shown:?}");
    let opened = rustirc_native::loader::open(&lib, "libold.so").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(opened.info.abi, (1, 0));
    assert!(opened.info.permissions.is_empty());
}
