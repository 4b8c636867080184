//! `rustirc`: the client binary and its command line.
//!
//! With no command it opens the desktop window; subcommands: `check` (parse and compile
//! scripts, report diagnostics), `eval` (print what `//echo -a EXPR` prints), `run` (load a
//! script and run a command) and the others `rustirc --help` lists. They use a host with no
//! network, so `rustirc run` starts in milliseconds.

/// mimalloc: loading a large script allocates millions of small AST and bytecode blocks, and the
/// VM allocates strings in its inner loops; it is markedly faster than the system allocator at both.
/// Built without transparent huge pages (`no_thp`): a huge page would add 2 MiB of resident
/// memory to every small run for nothing.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = rustirc::cli::main(&args);
    std::process::exit(code);
}
