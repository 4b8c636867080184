//! Scripts named in `Options::shared` run in one worker: one process for all of them, each
//! with its own module, handlers and folder (relative paths land in the script's own data
//! folder); unloading one leaves the others running; when the shared worker dies, every
//! script in it is loaded again into a new one. Other scripts keep workers of their own.

mod support;

use rustirc_core::client::Client;
use rustirc_core::state::Config;
use std::rc::Rc;
use support::{shown, temp_dir};

/// The worker processes among this thread's children.
fn workers() -> Vec<u32> {
    let me = std::process::id();
    let tid = std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| me.to_string());
    std::fs::read_to_string(format!("/proc/{me}/task/{tid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                .is_ok_and(|c| c.contains("rustirc-python-worker"))
        })
        .collect()
}

fn script(name: &str) -> String {
    format!(
        "import irc\n\
def note(args, raw):\n    with open('{name}.txt', 'w') as f:\n        f.write(raw)\n    return '{name} wrote ' + raw\n\
irc.add_command('{name}', note)\n"
    )
}

#[test]
fn shared_scripts_run_in_one_worker_each_in_its_own_folder() {
    let data = temp_dir("shared");
    let opts = rustirc_python::Options {
        shared: vec!["alpha.py".to_string(), "beta".to_string()],
        ..Default::default()
    };
    let mut c = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    c.set_data_dir(&data).unwrap();
    c.add_engine(Rc::new(rustirc_python::PythonEngine::with_options(opts)));
    for name in ["alpha", "beta", "gamma"] {
        let file = data.join(format!("{name}.py"));
        std::fs::write(&file, script(name)).unwrap();
        let report = c.load_script(&file.display().to_string(), script(name).as_bytes());
        assert!(!report.has_errors(), "{name}");
    }
    c.take_output();
    // alpha and beta share one worker; gamma has its own.
    assert_eq!(workers().len(), 2, "{:?}", workers());
    for name in ["alpha", "beta", "gamma"] {
        c.type_line("status", &format!("/{name} hello {name}"));
        assert_eq!(shown(&mut c), [format!("{name} wrote hello {name}")]);
        let written = data.join("python").join(name).join(format!("{name}.txt"));
        assert_eq!(
            std::fs::read_to_string(&written).unwrap(),
            format!("hello {name}"),
            "{}",
            written.display()
        );
    }

    // Each script's CPU time is its worker's: alpha and beta share theirs.
    let stats = c.script_stats();
    let cpu: Vec<u64> = stats.iter().map(|(_, _, s)| s.cpu_ms.unwrap()).collect();
    assert!(cpu.iter().all(|&ms| ms > 0), "{stats:?}");
    assert!(stats.iter().all(|(_, _, s)| s.commands == 1), "{stats:?}");

    // The shared worker dies: both of its scripts come back in a new one.
    let before = workers();
    for p in &before {
        let st = std::process::Command::new("kill")
            .args(["-9", &p.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    c.type_line("status", "/alpha again");
    let text = shown(&mut c).join("\n");
    assert!(
        text.contains("alpha.py: its worker was killed (signal 9)"),
        "{text}"
    );
    assert!(
        text.contains("beta.py: its shared worker was replaced; reloading the script"),
        "{text}"
    );
    assert!(text.ends_with("alpha wrote again"), "{text}");
    c.type_line("status", "/beta again");
    assert_eq!(shown(&mut c), ["beta wrote again"]);

    // Unloading alpha leaves beta in the shared worker.
    c.type_line("status", "/py unload alpha");
    let text = shown(&mut c).join("\n");
    assert!(
        text.contains("Unloaded") || !text.contains("not loaded"),
        "{text}"
    );
    c.type_line("status", "/beta still");
    assert_eq!(shown(&mut c), ["beta wrote still"]);
    c.type_line("status", "/alpha gone");
    let text = shown(&mut c).join("\n");
    assert!(text.contains("alpha"), "{text}");
    assert!(!text.contains("alpha wrote"), "{text}");
}
