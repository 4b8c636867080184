//! Interpreter state shared by every run: limits and fuel, global variables, hash tables,
//! regex results, the sandbox folder for file access.
//!
//! This module holds data and its invariants; it runs no script code.

use crate::error::{RunErrorKind, RunResult};
use crate::value::Value;
use indexmap::IndexMap;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::path::PathBuf;
use std::rc::Rc;

/// Every limit on a script run, in one place. `0` means "no limit" for every field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Instruction budget per run (one command typed, one event, one timer firing). Charged at
    /// loop back-edges, alias calls and in proportion inside costly built-ins. Stops
    /// `while (1) { }`; the default lets a 50-million-iteration loop finish.
    pub instructions: u64,
    /// Deepest alias call chain. Stops runaway recursion before the native stack does.
    pub call_depth: u32,
    /// Longest string a script may build, in bytes. Stops `%x = %x $+ %x` doubling bombs.
    pub string_len: usize,
    /// Most items in one hash table. Stops `hadd` loops from eating memory.
    pub table_items: usize,
    /// Most hash tables alive at once.
    pub tables: usize,
    /// Wall-clock time per run in milliseconds, checked every 2^14 fuel units.
    pub wall_ms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            instructions: 200_000_000,
            call_depth: 1000,
            string_len: 16 * 1024 * 1024,
            table_items: 1_000_000,
            tables: 10_000,
            wall_ms: 0,
        }
    }
}

/// How often (in fuel units) the wall clock and the cancel flag are checked.
pub const WATCHDOG_EVERY: u64 = 1 << 14;

/// A global variable table keyed by case-folded name (without `%`), in creation order.
#[derive(Default, Debug)]
pub struct Globals {
    map: IndexMap<Box<str>, (Box<str>, Value), FxBuildHasher>,
    /// Bumped by every change (see [`Globals::changes`]).
    changes: u64,
    /// Variables that change or go away by themselves, by case-folded name.
    timers: FxHashMap<Box<str>, VarTimer>,
}

/// What happens to a global by itself: `set -uN` / `-u0` / `-z` / `-e`, `inc -c`.
/// Time is the host's clock in milliseconds; changes are applied when a run starts
/// ([`Globals::expire`]), as mIRC applies them between script runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VarTimer {
    /// Unset at this time (`-uN`).
    pub unset_at: Option<i64>,
    /// Unset when the run that set it ends (`-u0`).
    pub end_of_run: bool,
    /// Once per second from the given time: add the value (`inc -c`), or count down by one
    /// and unset at zero (`-z`, when `to_zero`).
    pub step: Option<VarStep>,
    /// Unset when the client exits (`-e`).
    pub on_exit: bool,
}

/// A once-per-second change of a variable (see [`VarTimer::step`]).
#[derive(Clone, Debug, PartialEq)]
pub struct VarStep {
    /// When the next change is due.
    pub next_ms: i64,
    /// Added every second (`inc -c`); ignored when counting down.
    pub by: f64,
    /// Count down by one towards zero and unset at zero (`-z`).
    pub to_zero: bool,
}

impl Globals {
    /// The value of `%name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(fold(name).as_ref()).map(|(_, v)| v)
    }

    /// A mutable slot for `%name`, if set (counted as a change).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.changes = self.changes.wrapping_add(1);
        self.map.get_mut(fold(name).as_ref()).map(|(_, v)| v)
    }

    /// How many changes the table has seen: a host that saves the variables (vars.ini)
    /// compares it with the count at its last save.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Sets `%name` (creating it). A timer it had (`set -u`, `-z`, `-e`) is dropped: it was
    /// set again.
    pub fn set(&mut self, name: &str, v: Value) {
        if !self.timers.is_empty() {
            self.timers.remove(fold(name).as_ref());
        }
        self.update(name, v);
    }

    /// Sets `%name` (creating it), keeping its timer (`inc`, `set -k`).
    pub fn update(&mut self, name: &str, v: Value) {
        self.changes = self.changes.wrapping_add(1);
        let key = fold(name);
        if let Some(slot) = self.map.get_mut(key.as_ref()) {
            slot.1 = v;
        } else {
            self.map.insert(key.into(), (name.into(), v));
        }
    }

    /// Removes `%name`; returns whether it existed.
    pub fn unset(&mut self, name: &str) -> bool {
        let key = fold(name);
        if !self.timers.is_empty() {
            self.timers.remove(key.as_ref());
        }
        let gone = self.map.shift_remove(key.as_ref()).is_some();
        if gone {
            self.changes = self.changes.wrapping_add(1);
        }
        gone
    }

    /// Every `(name, value)` in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.map.values().map(|(n, v)| (n.as_ref(), v))
    }

    /// The variables to keep across a restart (`vars.ini`): all but those with a timer, which
    /// would otherwise outlive it (`set -u`, `-z`, `-e`, `inc -c`).
    pub fn iter_saved(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.map
            .iter()
            .filter(|(k, _)| !self.timers.contains_key(k.as_ref()))
            .map(|(_, (n, v))| (n.as_ref(), v))
    }

    /// Gives `%name` a timer (it must be set); merges with the one it has.
    pub fn set_timer(&mut self, name: &str, t: VarTimer) {
        let key = fold(name);
        if !self.map.contains_key(key.as_ref()) {
            return;
        }
        let slot = self.timers.entry(key.into()).or_default();
        if t.unset_at.is_some() || t.end_of_run {
            slot.unset_at = t.unset_at;
            slot.end_of_run = t.end_of_run;
        }
        if t.step.is_some() {
            slot.step = t.step;
        }
        slot.on_exit |= t.on_exit;
    }

    /// The timer of `%name`, if it has one.
    pub fn timer(&self, name: &str) -> Option<&VarTimer> {
        self.timers.get(fold(name).as_ref())
    }

    /// Applies what is due at `now_ms`: unsets expired variables (and `-u0` ones, whose run
    /// has ended) and makes the once-per-second changes.
    pub fn expire(&mut self, now_ms: i64) {
        if self.timers.is_empty() {
            return;
        }
        let mut gone = Vec::new();
        let mut changed = Vec::new();
        for (key, t) in &mut self.timers {
            if t.end_of_run || t.unset_at.is_some_and(|at| at <= now_ms) {
                gone.push(key.clone());
                continue;
            }
            let Some(step) = &mut t.step else { continue };
            if step.next_ms > now_ms {
                continue;
            }
            let ticks = (now_ms - step.next_ms) / 1000 + 1;
            step.next_ms += ticks * 1000;
            let Some((_, v)) = self.map.get(key.as_ref()) else {
                gone.push(key.clone());
                continue;
            };
            #[allow(clippy::cast_precision_loss)]
            let ticks_f = ticks as f64;
            let cur = v.to_f64_lenient();
            let next = if step.to_zero {
                if cur > 0.0 {
                    (cur - ticks_f).max(0.0)
                } else {
                    (cur + ticks_f).min(0.0)
                }
            } else {
                cur + step.by * ticks_f
            };
            if step.to_zero && next == 0.0 {
                gone.push(key.clone());
            } else {
                changed.push((key.clone(), Value::num(next)));
            }
        }
        for (key, v) in changed {
            if let Some(slot) = self.map.get_mut(key.as_ref()) {
                slot.1 = v;
                self.changes = self.changes.wrapping_add(1);
            }
        }
        for key in gone {
            self.unset(&key);
        }
    }

    /// Unsets the variables set with `-u0`: the run that set them has ended.
    pub fn end_run(&mut self) {
        if self.timers.is_empty() {
            return;
        }
        let gone: Vec<Box<str>> = self
            .timers
            .iter()
            .filter(|(_, t)| t.end_of_run)
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            self.unset(&key);
        }
    }

    /// Names (as written when created) matching `pred`.
    pub fn names_matching(&self, mut pred: impl FnMut(&str) -> bool) -> Vec<String> {
        self.map
            .values()
            .filter(|(n, _)| pred(n))
            .map(|(n, _)| n.to_string())
            .collect()
    }

    /// Removes every variable.
    pub fn clear(&mut self) {
        self.changes = self.changes.wrapping_add(1);
        self.map.clear();
        self.timers.clear();
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// mIRC names are case-insensitive for A–Z; folds ASCII letters only (fast path), borrowing
/// when the name is already lower-case.
pub fn fold(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// One hash table: case-folded item → (item as written, data), insertion-ordered so
/// `$hget(t,N).item` is O(1). Deleting moves the last item into the hole (mIRC's own bucket
/// order is not emulated; scripts must not rely on order).
#[derive(Default, Debug)]
pub struct HashTable {
    /// The table's name as created.
    pub name: String,
    /// The size hint given to `hmake`.
    pub size: usize,
    /// Items.
    pub items: IndexMap<Box<str>, (Box<str>, Value), FxBuildHasher>,
    /// Items added with `hadd -uN`/`-zN`: case-folded item → deadline in host milliseconds.
    /// Expired items are dropped lazily, the next time the table is used.
    pub expires: FxHashMap<Box<str>, i64>,
}

/// All hash tables, by case-folded name.
#[derive(Default, Debug)]
pub struct HashTables {
    /// Tables in creation order.
    pub tables: IndexMap<Box<str>, HashTable, FxBuildHasher>,
}

impl HashTables {
    /// The table `name`, if it exists.
    pub fn get(&self, name: &str) -> Option<&HashTable> {
        self.tables.get(fold(name).as_ref())
    }

    /// The table `name` for changes, if it exists.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut HashTable> {
        self.tables.get_mut(fold(name).as_ref())
    }
}

/// The captures of one `$regex` call, kept under a name for `$regml`.
#[derive(Clone, Debug, Default)]
pub struct RegexResult {
    /// Every captured group of every match, in order: (text, 1-based char position, group no).
    pub groups: Vec<(String, usize, usize)>,
    /// Per match, its groups (for `$regmlex`).
    pub matches: Vec<Vec<(String, usize)>>,
}

/// Compiled regular expression: the fast `regex` engine where it can, `fancy-regex` for
/// look-around and back-references.
#[derive(Debug)]
pub enum Compiled {
    /// Plain `regex` crate.
    Fast(regex::Regex),
    /// `fancy-regex` for PCRE features.
    Fancy(fancy_regex::Regex),
}

/// A compiled pattern plus mIRC's own modifiers.
#[derive(Debug)]
pub struct CompiledRegex {
    /// The engine.
    pub re: Compiled,
    /// `g`: find every match.
    pub global: bool,
    /// `S`: strip control codes from the subject first.
    pub strip: bool,
    /// `F`: groups that did not take part still count in `$regml` numbering (as `$null`).
    pub keep_unset: bool,
}

/// Interpreter state shared by every run.
#[derive(Default)]
pub struct State {
    /// The limits in force.
    pub limits: Limits,
    /// Fuel left in this run; reset by [`State::begin_run`].
    pub fuel: u64,
    /// Fuel spent since the last watchdog check.
    pub since_watchdog: u64,
    /// Start of the current run, in host milliseconds (for `wall_ms`).
    pub run_started_ms: i64,
    /// When the current run started, on the machine's own clock: [`Limits::wall_ms`] is
    /// real time even where the host's clock is frozen for the run (a client keeps one time
    /// per event for `$ctime` and `$ticks`).
    pub run_started: Option<std::time::Instant>,
    /// Global variables.
    pub globals: Globals,
    /// Hash tables.
    pub hashes: HashTables,
    /// Named `$regex` results (the 50 most recent names are kept).
    pub regex_results: IndexMap<Box<str>, RegexResult, FxBuildHasher>,
    /// Compiled regexes by pattern text.
    pub regex_cache: FxHashMap<Box<str>, Rc<CompiledRegex>>,
    /// `$regerrstr`: the compile error of the last pattern that failed.
    pub regex_error: String,
    /// `$v1` / `$v2`: the operands of the last comparison.
    pub v1: Value,
    /// See `v1`.
    pub v2: Value,
    /// `$result`: what the last alias called as a command returned.
    pub result: Value,
    /// Folder that file identifiers and commands are confined to (`$mircdir`, `$scriptdir`).
    /// `None` refuses all file access.
    pub files_root: Option<PathBuf>,
    /// Line number of the last `$read` match (`$readn`).
    pub readn: i64,
    /// The loaded script whose code calls the running built-in identifier or command (its
    /// number in load order; `None` for a typed line or a timer's command): what the host's
    /// [`crate::Host::file_access`] decides by.
    pub owner: Option<usize>,
}

impl State {
    /// A fresh state with the given limits.
    pub fn new(limits: Limits) -> State {
        State {
            limits,
            ..State::default()
        }
    }

    /// Starts a new run: full fuel.
    pub fn begin_run(&mut self, now_ms: i64) {
        self.fuel = if self.limits.instructions == 0 {
            u64::MAX
        } else {
            self.limits.instructions
        };
        self.since_watchdog = 0;
        self.run_started_ms = now_ms;
        self.run_started = Some(std::time::Instant::now());
        self.globals.expire(now_ms);
    }

    /// Spends `units` of fuel. The only place fuel is spent besides the VM's back-edge fast path.
    pub fn charge(&mut self, units: usize) -> RunResult<()> {
        let units = units as u64;
        if self.fuel < units {
            self.fuel = 0;
            return Err(RunErrorKind::Limit {
                what: "too many instructions",
                limit: self.limits.instructions,
                place: String::new(),
            });
        }
        self.fuel -= units;
        Ok(())
    }

    /// Checks the string limit for a value about to be stored.
    pub fn check_len(&self, len: usize) -> RunResult<()> {
        if self.limits.string_len != 0 && len > self.limits.string_len {
            return Err(RunErrorKind::Limit {
                what: "string too long",
                limit: self.limits.string_len as u64,
                place: String::new(),
            });
        }
        Ok(())
    }
}
