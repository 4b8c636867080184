//! The built-in identifier and command registry: one table per family.
//!
//! Each family module (`idents/text.rs`, `commands/vars.rs`, …) exports a `const` table of specs.
//! [`Registry::standard`] concatenates them; [`Registry::empty`] builds a bare registry for tests.
//! The compiler sees the registry only as name → index (through [`Registry::ident_id`] and
//! [`Registry::command_id`]), and the VM calls entries by index.
//!
//! Identifiers and commands that need to run script code (`$eval`, `$iif`, `$regsubex`, `/if`,
//! `/var`, …) are not here: they are VM intrinsics, compiled to their own instructions.

pub mod commands;
pub mod idents;

use crate::error::{RunErrorKind, RunResult};
use crate::host::Host;
use crate::state::State;
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// What a built-in identifier or command can reach while it runs.
pub struct Cx<'a> {
    /// Shared interpreter state: variables, hash tables, regex results, limits, fuel.
    pub st: &'a mut State,
    /// The host (IRC, windows, clock).
    pub host: &'a mut dyn Host,
}

impl Cx<'_> {
    /// Charges `units` of fuel for work proportional to input size (`$gettok` on 5 KB,
    /// `$replace`, `$regex`). Fails when the run's instruction budget is spent.
    pub fn charge(&mut self, units: usize) -> RunResult<()> {
        self.st.charge(units)
    }
}

/// Evaluated arguments of an identifier call plus its `.prop`.
pub struct Args<'a> {
    /// `$name` as written (lower-case), for error messages.
    pub name: &'a str,
    /// The evaluated arguments, in order.
    pub vals: &'a [Value],
    /// The property after the closing parenthesis, if any (`$bytes(1024).suf` → `suf`).
    pub prop: Option<&'a str>,
}

impl<'a> Args<'a> {
    /// Number of arguments.
    pub fn len(&self) -> usize {
        self.vals.len()
    }

    /// True when called without arguments.
    pub fn is_empty(&self) -> bool {
        self.vals.is_empty()
    }

    /// Argument `i` (0-based) as text; `""` when missing.
    pub fn text(&self, i: usize) -> Cow<'a, str> {
        match self.vals.get(i) {
            Some(v) => v.as_str(),
            None => Cow::Borrowed(""),
        }
    }

    /// Argument `i` as a value; `Null` when missing.
    pub fn val(&self, i: usize) -> Value {
        self.vals.get(i).cloned().unwrap_or_default()
    }

    /// True when argument `i` was passed.
    pub fn has(&self, i: usize) -> bool {
        i < self.vals.len()
    }

    /// Argument `i` read leniently as a number (leading number, else 0).
    pub fn num(&self, i: usize) -> f64 {
        self.vals.get(i).map_or(0.0, Value::to_f64_lenient)
    }

    /// Argument `i` read leniently as an integer (leading number truncated, else 0).
    pub fn int(&self, i: usize) -> i64 {
        self.vals.get(i).map_or(0, Value::to_i64_lenient)
    }

    /// Argument `i` as a strict number, or a "bad argument" error.
    pub fn strict_num(&self, i: usize) -> RunResult<f64> {
        self.vals
            .get(i)
            .and_then(Value::as_number)
            .ok_or_else(|| self.bad(i, "number"))
    }

    /// The property, lower-cased, or `""`.
    pub fn prop(&self) -> String {
        self.prop.map(str::to_ascii_lowercase).unwrap_or_default()
    }

    /// A "bad argument #i+1 to $name: expected …" error.
    pub fn bad(&self, i: usize, expected: &'static str) -> RunErrorKind {
        RunErrorKind::BadArgument {
            callee: format!("${}", self.name),
            pos: u8::try_from(i + 1).unwrap_or(u8::MAX),
            expected,
        }
    }
}

/// How many arguments an identifier accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arity {
    /// Fewest arguments.
    pub min: u8,
    /// Most arguments; `u8::MAX` means no upper bound.
    pub max: u8,
}

impl Arity {
    /// Exactly `n` arguments.
    pub const fn exact(n: u8) -> Arity {
        Arity { min: n, max: n }
    }
    /// Between `min` and `max` arguments.
    pub const fn range(min: u8, max: u8) -> Arity {
        Arity { min, max }
    }
    /// At least `min` arguments.
    pub const fn at_least(min: u8) -> Arity {
        Arity { min, max: u8::MAX }
    }
    /// Any number, including none.
    pub const ANY: Arity = Arity {
        min: 0,
        max: u8::MAX,
    };

    /// Whether `n` arguments are accepted.
    pub fn accepts(self, n: usize) -> bool {
        n >= usize::from(self.min) && (self.max == u8::MAX || n <= usize::from(self.max))
    }

    /// A description like `2 to 3` for errors.
    pub fn describe(self) -> String {
        if self.max == u8::MAX {
            format!("at least {}", self.min)
        } else if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{} to {}", self.min, self.max)
        }
    }
}

/// A built-in identifier function.
pub type IdentFn = fn(&mut Cx<'_>, &Args<'_>) -> RunResult<Value>;

/// One built-in identifier.
#[derive(Clone, Copy)]
pub struct IdentSpec {
    /// Lower-case name without `$`.
    pub name: &'static str,
    /// Accepted argument counts. Out-of-range calls give `$null` as mIRC does unless
    /// `strict` is set, in which case they are an error.
    pub arity: Arity,
    /// The function.
    pub run: IdentFn,
}

/// Arguments of a built-in command: the evaluated words of the line.
pub struct CmdArgs<'a> {
    /// The command name as written (lower-case), for error messages.
    pub name: &'a str,
    /// Each evaluated word; a word's value may itself contain spaces.
    pub words: &'a [Value],
    /// True when called with the `.` prefix (silent).
    pub silent: bool,
}

impl CmdArgs<'_> {
    /// The whole argument text, words joined by single spaces.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            w.write_to(&mut s);
        }
        s
    }

    /// The argument text split on spaces, empty tokens dropped: what mIRC's command sees.
    pub fn tokens(&self) -> Vec<String> {
        self.text()
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A built-in command function.
pub type CommandFn = fn(&mut Cx<'_>, &CmdArgs<'_>) -> RunResult<()>;

/// One built-in command.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// Lower-case name without `/`.
    pub name: &'static str,
    /// The function.
    pub run: CommandFn,
}

/// Index of a built-in identifier in the registry.
pub type IdentId = u32;
/// Index of a built-in command in the registry.
pub type CommandId = u32;

/// Every built-in identifier and command, looked up by index at run time.
#[derive(Default)]
pub struct Registry {
    idents: Vec<IdentSpec>,
    commands: Vec<CommandSpec>,
    ident_index: FxHashMap<&'static str, IdentId>,
    command_index: FxHashMap<&'static str, CommandId>,
}

impl Registry {
    /// A registry with nothing in it.
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// The standard library: every family table.
    pub fn standard() -> Registry {
        let mut r = Registry::empty();
        for table in idents::TABLES {
            for spec in *table {
                r.add_ident(*spec);
            }
        }
        for table in commands::TABLES {
            for spec in *table {
                r.add_command(*spec);
            }
        }
        r
    }

    /// Adds (or replaces) an identifier.
    pub fn add_ident(&mut self, spec: IdentSpec) {
        if let Some(&id) = self.ident_index.get(spec.name) {
            self.idents[id as usize] = spec;
        } else {
            let id = u32::try_from(self.idents.len()).expect("registry overflow");
            self.ident_index.insert(spec.name, id);
            self.idents.push(spec);
        }
    }

    /// Adds (or replaces) a command.
    pub fn add_command(&mut self, spec: CommandSpec) {
        if let Some(&id) = self.command_index.get(spec.name) {
            self.commands[id as usize] = spec;
        } else {
            let id = u32::try_from(self.commands.len()).expect("registry overflow");
            self.command_index.insert(spec.name, id);
            self.commands.push(spec);
        }
    }

    /// The index of identifier `name` (lower-case).
    pub fn ident_id(&self, name: &str) -> Option<IdentId> {
        self.ident_index.get(name).copied()
    }

    /// The index of command `name` (lower-case).
    pub fn command_id(&self, name: &str) -> Option<CommandId> {
        self.command_index.get(name).copied()
    }

    /// The identifier at `id`.
    pub fn ident(&self, id: IdentId) -> &IdentSpec {
        &self.idents[id as usize]
    }

    /// The command at `id`.
    pub fn command(&self, id: CommandId) -> &CommandSpec {
        &self.commands[id as usize]
    }

    /// Every identifier name, for docs and the compatibility list.
    pub fn ident_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.idents.iter().map(|s| s.name)
    }

    /// Every command name.
    pub fn command_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.commands.iter().map(|s| s.name)
    }
}
