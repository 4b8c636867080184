//! The Python documentation runs: in docs/python-api.md and docs/python-tutorial.md every
//! `python` block (with the `mrc` blocks before it) followed by a `transcript` block is
//! loaded into a fresh client and its transcript must pass; a `python` block without a
//! transcript must at least pass `rustirc check`. A first line `# file: NAME` names the
//! script's file; `sh` blocks in between are skipped.

mod support;

use rustirc_core::host::engine::ScriptEngine;
use rustirc_core::replay::{leading_grants, parse, run, Session};
use std::path::Path;

fn run_doc(name: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../docs/{name}.md"));
    let doc = std::fs::read_to_string(&path).expect("doc");
    let dir =
        std::env::temp_dir().join(format!("rustirc-python-doc-{name}-{}", std::process::id()));
    let mut scripts: Vec<(String, String)> = Vec::new();
    let mut runs = 0;
    let mut failures = Vec::new();
    for (i, block) in doc.split("```").enumerate() {
        if i % 2 == 0 {
            continue;
        }
        let (lang, body) = block.split_once('\n').unwrap_or((block, ""));
        match lang.trim() {
            "python" | "mrc" => {
                let ext = lang.trim();
                let file = body
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("# file: "))
                    .map_or_else(
                        || format!("example.{}", if ext == "python" { "py" } else { ext }),
                        |f| f.trim().to_string(),
                    );
                if ext == "python" {
                    let errs = support::engine().check(&file, body.as_bytes());
                    assert!(errs.is_empty(), "docs/{name}.md: {errs:?}\n{body}");
                }
                scripts.push((file, body.to_string()));
            }
            "transcript" => {
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                let loaded: Vec<(String, Vec<u8>)> = scripts
                    .drain(..)
                    .map(|(f, b)| {
                        let p = dir.join(&f);
                        std::fs::write(&p, &b).unwrap();
                        (p.display().to_string(), b.into_bytes())
                    })
                    .collect();
                assert!(
                    !loaded.is_empty(),
                    "docs/{name}.md: a transcript without a script"
                );
                let steps = parse(body).expect("transcript");
                let mut session = Session::with_setup(&loaded, leading_grants(&steps), &|c| {
                    c.add_engine(support::engine());
                });
                if let Err(m) = run(&steps, &mut session) {
                    let code: Vec<String> = loaded
                        .iter()
                        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                        .collect();
                    failures.push(format!("docs/{name}.md:\n{}\n{m}", code.join("\n")));
                }
                runs += 1;
            }
            // Shell lines between a script and its transcript show how to run it.
            "sh" => {}
            _ => scripts.clear(),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    runs
}

#[test]
fn the_api_reference_runs() {
    assert!(run_doc("python-api") >= 18);
}

#[test]
fn the_tutorial_runs() {
    assert!(run_doc("python-tutorial") >= 3);
}
