//! A stand-alone mSL runner: the language alone, without the client (no IRC, no GUI, no
//! network code), for measuring what the VM itself needs.
//!
//! ```sh
//! cargo run --release -p rustirc-lang --example msl_run -- numeric_loop.mrc bench
//! ```
//!
//! Loads FILE (running its `on LOAD` and `on START`), then calls the alias COMMAND with ARGS
//! as `rustirc run FILE COMMAND ARGS...` does; echoes go to standard output.

use rustirc_lang::engine::Engine;
use rustirc_lang::host::Host;
use rustirc_lang::{Limits, Value};
use std::io::Write;

struct Out(std::io::BufWriter<std::io::Stdout>);

impl Host for Out {
    fn echo(&mut self, _window: &str, text: &str) {
        let _ = writeln!(self.0, "{text}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: msl_run FILE [COMMAND [ARGS...]]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(file).unwrap_or_else(|e| {
        eprintln!("{file}: error: cannot read file: {e}");
        std::process::exit(1);
    });
    let mut engine = Engine::new(Limits::default());
    let mut host = Out(std::io::BufWriter::new(std::io::stdout()));
    let report = engine.load(file, &bytes, false);
    let mut status = 0;
    for d in &report.diagnostics {
        if d.severity == rustirc_syntax::diag::Severity::Error {
            eprint!("{}", d.rendered);
            status = 1;
        }
    }
    let script = engine.vm.script_names.len() - 1;
    for e in engine.run_load_events(script, &mut host) {
        eprintln!("{e}");
        status = 1;
    }
    if let Some(cmd) = args.get(1) {
        let name = cmd.trim_start_matches('/').to_ascii_lowercase();
        let params: Vec<Value> = args[2..].iter().map(Value::text).collect();
        let result = match engine.alias_chunk(&name) {
            Some(chunk) => {
                engine.vm.begin(&mut host);
                engine.vm.call(chunk, params, false, &mut host).map(|_| ())
            }
            None => engine
                .run_command(&args[1..].join(" "), &mut host)
                .map(|_| ()),
        };
        if let Err(e) = result {
            let _ = host.0.flush();
            eprintln!("{e}");
            status = 1;
        }
    }
    let _ = host.0.flush();
    std::process::exit(status);
}
