//! Side-by-side benchmark: the eight kernels in `bench/kernels/` run in the mSL VM and, as the
//! same program, in Lua 5.4 (through `mlua`) in this process.
//!
//! ```sh
//! cargo bench -p rustirc-lang --bench kernels                    # every kernel, 5 rounds
//! cargo bench -p rustirc-lang --bench kernels -- --runs 10 fib   # 10 rounds, kernels matching "fib"
//! KERNEL_RUNS=10 cargo bench -p rustirc-lang --bench kernels     # same, rounds from the environment
//! ```
//!
//! Each measurement times one whole program: for mSL, loading (parse, compile, link) the `.mrc`
//! file, its LOAD/START events and `/bench`; for Lua, loading and running the `.lua` chunk in a
//! fresh state. Every run's output must be the kernel's expected line (the `Expected output:`
//! comment in the `.mrc` file), for both languages, or the benchmark stops with an error.
//!
//! The first table compares mSL with Lua; the second runs mSL once with the default
//! [`Limits`] and once with the instruction budget off (`instructions: 0`) and prints the
//! difference. With the budget off the VM still counts fuel (starting from `u64::MAX`) on the
//! same code path, so that column shows what a finite budget costs over an unlimited one; the
//! counting itself is in both.

use mlua::Lua;
use rustirc_lang::{Engine, Limits, RecordingHost};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

/// The kernels, in the order the tables list them.
const KERNELS: [&str; 8] = [
    "numeric_loop",
    "arith_calc",
    "string_ops",
    "token_ops",
    "hash_table",
    "alias_dispatch",
    "wildcard_match",
    "fib_recursive",
];

/// Rounds when neither `--runs` nor `KERNEL_RUNS` says otherwise.
const DEFAULT_RUNS: usize = 5;

/// Most slowdown from the instruction budget that passes (performance targets, 5.4).
const BUDGET_GATE_PERCENT: f64 = 10.0;

struct Kernel {
    name: &'static str,
    mrc_path: String,
    mrc: Vec<u8>,
    lua: String,
    expected: String,
}

/// Times in milliseconds, one per round.
#[derive(Default)]
struct Samples(Vec<f64>);

impl Samples {
    fn median(&self) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    fn min(&self) -> f64 {
        self.0.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

#[derive(Default)]
struct Results {
    msl: Samples,
    lua: Samples,
    msl_unlimited: Samples,
}

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kernels benchmark FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<(), String> {
    let (runs, filters) = parse_args()?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/kernels");
    let kernels = KERNELS
        .iter()
        .filter(|k| filters.is_empty() || filters.iter().any(|f| k.contains(f.as_str())))
        .map(|k| read_kernel(&dir, k))
        .collect::<Result<Vec<_>, _>>()?;
    if kernels.is_empty() {
        return Err(format!(
            "no kernel matches {filters:?}; kernels are {}",
            KERNELS.join(", ")
        ));
    }
    let unlimited = Limits {
        instructions: 0,
        ..Limits::default()
    };

    eprintln!(
        "{} kernel(s), {runs} round(s) each of mSL (default limits), Lua 5.4, mSL (no instruction budget)",
        kernels.len()
    );
    let mut results: Vec<Results> = kernels.iter().map(|_| Results::default()).collect();
    // Round-robin over the kernels so that drift of the machine spreads over all of them; the two
    // mSL variants swap order every round.
    for round in 0..runs {
        eprintln!("round {}/{runs}", round + 1);
        for (k, r) in kernels.iter().zip(results.iter_mut()) {
            if round % 2 == 0 {
                r.msl.0.push(run_msl(k, Limits::default())?);
                r.lua.0.push(run_lua(k)?);
                r.msl_unlimited.0.push(run_msl(k, unlimited.clone())?);
            } else {
                r.msl_unlimited.0.push(run_msl(k, unlimited.clone())?);
                r.lua.0.push(run_lua(k)?);
                r.msl.0.push(run_msl(k, Limits::default())?);
            }
        }
    }

    print_tables(&kernels, &results, runs);
    Ok(())
}

/// `[--runs N] [KERNEL-SUBSTRING...]`; `--bench` (passed by `cargo bench`) is ignored.
fn parse_args() -> Result<(usize, Vec<String>), String> {
    let mut runs = match std::env::var("KERNEL_RUNS") {
        Ok(v) => v
            .parse::<usize>()
            .map_err(|_| format!("KERNEL_RUNS must be a number, not {v:?}"))?,
        Err(_) => DEFAULT_RUNS,
    };
    let mut filters = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--runs" => {
                let v = args.next().ok_or("--runs needs a number")?;
                runs = v
                    .parse()
                    .map_err(|_| format!("--runs needs a number, not {v:?}"))?;
            }
            _ if a.starts_with("--runs=") => {
                let v = &a["--runs=".len()..];
                runs = v
                    .parse()
                    .map_err(|_| format!("--runs needs a number, not {v:?}"))?;
            }
            _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ => filters.push(a),
        }
    }
    if runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok((runs, filters))
}

fn read_kernel(dir: &Path, name: &'static str) -> Result<Kernel, String> {
    let read = |ext: &str| -> Result<(PathBuf, Vec<u8>), String> {
        let p = dir.join(format!("{name}.{ext}"));
        std::fs::read(&p)
            .map(|b| (p.clone(), b))
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let (mrc_path, mrc) = read("mrc")?;
    let (lua_path, lua) = read("lua")?;
    let lua = String::from_utf8(lua).map_err(|_| format!("{} is not UTF-8", lua_path.display()))?;
    // `; Entry point: /bench   Expected output: <name> <checksum...>`
    let expected = String::from_utf8_lossy(&mrc)
        .lines()
        .find_map(|l| {
            l.split_once("Expected output:")
                .map(|(_, e)| e.trim().to_string())
        })
        .ok_or_else(|| format!("{} has no 'Expected output:' comment", mrc_path.display()))?;
    Ok(Kernel {
        name,
        mrc_path: format!("{name}.mrc"),
        mrc,
        lua,
        expected,
    })
}

/// One mSL run: load (parse, compile, link), LOAD/START events, then `/bench`, as
/// `rustirc run FILE bench` does. Returns milliseconds.
fn run_msl(k: &Kernel, limits: Limits) -> Result<f64, String> {
    let mut engine = Engine::new(limits);
    let mut host = RecordingHost::default();
    let start = Instant::now();
    let report = engine.load(&k.mrc_path, &k.mrc, false);
    if report.has_errors() {
        let text: String = report
            .diagnostics
            .iter()
            .map(|d| d.rendered.as_str())
            .collect();
        return Err(format!("{}: load failed:\n{text}", k.name));
    }
    let script = engine.vm.script_names.len() - 1;
    if let Some(e) = engine.run_load_events(script, &mut host).into_iter().next() {
        return Err(format!("{}: LOAD/START event failed: {e}", k.name));
    }
    let chunk = engine
        .alias_chunk("bench")
        .ok_or_else(|| format!("{}: no alias bench", k.name))?;
    engine.vm.begin(&mut host);
    engine
        .vm
        .call(chunk, Vec::new(), false, &mut host)
        .map_err(|e| format!("{} (mSL): {e}", k.name))?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let lines: Vec<String> = host.lines.into_iter().map(|(_, t)| t).collect();
    check_output(k, "mSL", &lines)?;
    Ok(ms)
}

/// One Lua run in a fresh state: load and run the chunk. Returns milliseconds.
fn run_lua(k: &Kernel) -> Result<f64, String> {
    let lua = Lua::new();
    let out = Rc::new(RefCell::new(Vec::<String>::new()));
    let sink = Rc::clone(&out);
    let print = lua
        .create_function(move |lua, args: mlua::MultiValue| {
            let mut line = Vec::new();
            for v in args {
                let s = match lua.coerce_string(v.clone())? {
                    Some(s) => s.to_string_lossy(),
                    None => format!("{v:?}"),
                };
                line.push(s);
            }
            sink.borrow_mut().push(line.join("\t"));
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    lua.globals()
        .set("print", print)
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    lua.load(k.lua.as_str())
        .set_name(format!("{}.lua", k.name))
        .exec()
        .map_err(|e| format!("{} (Lua): {e}", k.name))?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let lines = out.borrow().clone();
    check_output(k, "Lua", &lines)?;
    Ok(ms)
}

/// Both languages must print exactly the expected line, so they also agree with each other.
fn check_output(k: &Kernel, lang: &str, lines: &[String]) -> Result<(), String> {
    if lines.len() == 1 && lines[0].trim_end() == k.expected {
        Ok(())
    } else {
        Err(format!(
            "{} ({lang}) printed {lines:?}, expected [{:?}]",
            k.name, k.expected
        ))
    }
}

fn print_tables(kernels: &[Kernel], results: &[Results], runs: usize) {
    println!(
        "mSL vs Lua 5.4 (mlua), {runs} round(s); ms = median, min = fastest; ratio = mSL / Lua"
    );
    println!();
    println!(
        "| {:<16} | {:>9} | {:>9} | {:>6} | {:>9} | {:>9} | {:>11} |",
        "kernel", "mSL ms", "Lua ms", "ratio", "mSL min", "Lua min", "ratio (min)"
    );
    println!(
        "|{:-<18}|{:->11}|{:->11}|{:->8}|{:->11}|{:->11}|{:->13}|",
        "", ":", ":", ":", ":", ":", ":"
    );
    let mut log_med = 0.0;
    let mut log_min = 0.0;
    for (k, r) in kernels.iter().zip(results) {
        let ratio = r.msl.median() / r.lua.median();
        let ratio_min = r.msl.min() / r.lua.min();
        log_med += ratio.ln();
        log_min += ratio_min.ln();
        println!(
            "| {:<16} | {:>9.1} | {:>9.1} | {:>6.2} | {:>9.1} | {:>9.1} | {:>11.2} |",
            k.name,
            r.msl.median(),
            r.lua.median(),
            ratio,
            r.msl.min(),
            r.lua.min(),
            ratio_min
        );
    }
    let n = kernels.len() as f64;
    println!(
        "| {:<16} | {:>9} | {:>9} | {:>6.2} | {:>9} | {:>9} | {:>11.2} |",
        "geometric mean",
        "",
        "",
        (log_med / n).exp(),
        "",
        "",
        (log_min / n).exp()
    );

    println!();
    println!(
        "Instruction budget: mSL with the default limits vs instructions: 0 (no budget); cost = budget / no budget - 1; gate {BUDGET_GATE_PERCENT}%"
    );
    println!("(instructions: 0 still counts fuel on the same path, from u64::MAX)");
    println!();
    println!(
        "| {:<16} | {:>9} | {:>12} | {:>13} | {:>10} | {:>13} | {:>15} |",
        "kernel",
        "budget ms",
        "no budget ms",
        "budget cost %",
        "budget min",
        "no budget min",
        "cost % (min)"
    );
    println!(
        "|{:-<18}|{:->11}|{:->14}|{:->15}|{:->12}|{:->15}|{:->17}|",
        "", ":", ":", ":", ":", ":", ":"
    );
    let mut over = Vec::new();
    for (k, r) in kernels.iter().zip(results) {
        let cost = (r.msl.median() / r.msl_unlimited.median() - 1.0) * 100.0;
        let cost_min = (r.msl.min() / r.msl_unlimited.min() - 1.0) * 100.0;
        // Single rounds are noisy on a busy machine: flag only what both statistics agree on.
        if cost > BUDGET_GATE_PERCENT && cost_min > BUDGET_GATE_PERCENT {
            over.push(k.name);
        }
        println!(
            "| {:<16} | {:>9.1} | {:>12.1} | {:>13.1} | {:>10.1} | {:>13.1} | {:>15.1} |",
            k.name,
            r.msl.median(),
            r.msl_unlimited.median(),
            cost,
            r.msl.min(),
            r.msl_unlimited.min(),
            cost_min
        );
    }
    if !over.is_empty() {
        println!();
        println!(
            "over the {BUDGET_GATE_PERCENT}% budget gate (median and min): {}",
            over.join(", ")
        );
    }
}
