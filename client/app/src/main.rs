//! `rustirc`: the client binary and its command line.
//!
//! Subcommands: `check` (parse and compile scripts, report diagnostics), `eval` (print what
//! `//echo -a EXPR` prints), `run` (load a script and run a command). They use a host with no
//! network, so `rustirc run` starts in milliseconds.

mod cli;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = cli::main(&args);
    std::process::exit(code);
}
