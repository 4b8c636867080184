//! The engine: loads script files (parse, compile, link) and runs commands, aliases, events and
//! expressions against a host. The one module that touches both the syntax and the compiler.

use crate::error::{RunError, RunErrorKind};
use crate::host::Host;
use crate::registry::Registry;
use crate::state::{Limits, State};
use crate::value::Value;
use crate::vm::{Outcome, Vm};
use rustirc_bytecode::Chunk;
use rustirc_compiler::{CompileError, Compiler, Options};
use rustirc_syntax::ast::{Event, EventKind, Item, Stmt};
use rustirc_syntax::diag::{self, Diagnostic, Severity};
use rustirc_syntax::source::Prepared;
use std::rc::Rc;

/// A diagnostic placed in its file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileDiagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The message.
    pub message: String,
    /// Rendered `file:line:col: severity: message` plus caret excerpt.
    pub rendered: String,
}

/// What loading one file produced.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    /// Every diagnostic, in file order.
    pub diagnostics: Vec<FileDiagnostic>,
    /// Aliases loaded.
    pub aliases: usize,
    /// Events loaded.
    pub events: usize,
    /// Popup menus loaded (`menu` blocks and popup INI sections).
    pub menus: usize,
    /// Dialog tables parsed.
    pub dialogs: usize,
    /// User list entries loaded.
    pub users: usize,
    /// Variables loaded.
    pub variables: usize,
    /// The kind of file detected from its content ("remote script", "alias file", …).
    pub kind: &'static str,
    /// The file's `#group`s with their state as written (`name` without `#`, `on`).
    pub groups: Vec<(String, bool)>,
    /// Disassembly of every chunk, when asked for.
    pub disassembly: String,
}

impl LoadReport {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// A loaded event handler.
pub struct Handler {
    /// The script it came from.
    pub script: usize,
    /// The parsed definition (fields, level, prefixes).
    pub event: Event,
    /// Its compiled body.
    pub chunk: usize,
    /// The `#group` it belongs to.
    pub group: Option<String>,
}

/// A loaded popup menu (`menu` block or popup INI section).
#[derive(Clone, Debug)]
pub struct LoadedMenu {
    /// The script it came from.
    pub script: usize,
    /// Its targets as written (`channel,query`, `nicklist`, `@name`, `*`).
    pub targets: String,
    /// Its items, in order.
    pub items: Vec<LoadedMenuItem>,
}

/// One item of a [`LoadedMenu`].
#[derive(Clone, Debug)]
pub struct LoadedMenuItem {
    /// Submenu depth (the number of leading dots).
    pub depth: u8,
    /// The label as written (evaluated when the menu opens); `-` for a separator.
    pub label: String,
    /// The compiled command, when the item has one.
    pub chunk: Option<usize>,
}

/// Loads scripts and runs them.
pub struct Engine {
    /// The VM, with state and loaded chunks.
    pub vm: Vm,
    /// Every loaded event handler in load order.
    pub handlers: Vec<Handler>,
    /// Variables from vars.ini files and users from users.ini files are applied on load.
    pub users: Vec<(String, String, String)>,
    /// Every loaded popup menu, in load order.
    pub menus: Vec<LoadedMenu>,
    /// Every dialog table, in load order, with the script it came from.
    pub dialogs: Vec<(usize, rustirc_syntax::ast::Dialog)>,
}

impl Engine {
    /// An engine with the standard library and `limits`.
    pub fn new(limits: Limits) -> Engine {
        Engine::with_registry(Rc::new(Registry::standard()), limits)
    }

    /// An engine with a given registry.
    pub fn with_registry(registry: Rc<Registry>, limits: Limits) -> Engine {
        Engine {
            vm: Vm::new(registry, State::new(limits)),
            handlers: Vec::new(),
            users: Vec::new(),
            menus: Vec::new(),
            dialogs: Vec::new(),
        }
    }

    /// Loads a script file from its bytes. Items that fail keep nothing; the others load.
    pub fn load(&mut self, file: &str, bytes: &[u8], disasm: bool) -> LoadReport {
        let opts = Options {
            record_v1v2: uses_v1v2(bytes),
        };
        // Each item is compiled on the thread that parsed it, as soon as it is parsed, and its
        // syntax tree dropped: a large file is loaded on every core without ever holding all
        // of its tree.
        let parsed = rustirc_syntax::parse_bytes_with(bytes, |mut located| {
            let compiled = match &mut located.item {
                Item::Alias(a) => {
                    let name = format!("alias {}", a.name);
                    let chunk = Compiler::compile_body(&name, &a.body, opts).map(Box::new);
                    let verified = match &chunk {
                        Ok(c) => rustirc_bytecode::verify(c).map_err(|e| e.message),
                        Err(_) => Ok(()),
                    };
                    a.body = Vec::new();
                    Built::Body(name, chunk, verified)
                }
                Item::Event(ev) => {
                    let name = match &ev.kind {
                        EventKind::On(n) => format!("on {n}"),
                        EventKind::Ctcp => "ctcp".to_string(),
                        EventKind::Raw(n) => format!("raw {n}"),
                    };
                    let chunk = Compiler::compile_body(&name, &ev.body, opts).map(Box::new);
                    ev.body = Vec::new();
                    Built::Body(name, chunk, Ok(()))
                }
                Item::Menu(m) => Built::Menu(
                    m.entries
                        .iter_mut()
                        .map(|e| {
                            let body = std::mem::take(&mut e.body);
                            if body.is_empty() {
                                return Ok(None);
                            }
                            Compiler::compile_body("menu", &body, opts).map(|c| Some(Box::new(c)))
                        })
                        .collect(),
                ),
                _ => Built::Nothing,
            };
            (located, compiled)
        });
        let kind = parsed.prepared.kind;
        let prepared = Rc::new(parsed.prepared);
        let mut report = LoadReport {
            kind: prepared.kind.name(),
            groups: parsed.groups,
            ..LoadReport::default()
        };
        let mut diags: Vec<Diagnostic> = parsed.diagnostics;
        let script = self.vm.script_names.len();
        self.vm.script_names.push(file.to_string());
        self.vm.script_kinds.push(Some(kind));
        let p2 = prepared.clone();
        self.vm
            .positions
            .push(Box::new(move |off| p2.position(off as usize)));
        for (located, compiled) in parsed.items {
            match located.item {
                Item::Alias(a) => {
                    let Built::Body(name, chunk, verified) = compiled else {
                        continue;
                    };
                    match chunk {
                        Ok(chunk) => {
                            if let Err(message) = verified {
                                diags.push(Diagnostic::error(
                                    a.span,
                                    format!("internal compiler error in {name}: {message}"),
                                ));
                                continue;
                            }
                            if disasm {
                                report
                                    .disassembly
                                    .push_str(&rustirc_bytecode::disassemble(&chunk));
                            }
                            let idx = self.vm.add_chunk(*chunk, script);
                            self.vm
                                .aliases
                                .entry(a.name.clone())
                                .or_default()
                                .push((script, idx, a.local));
                            report.aliases += 1;
                        }
                        Err(e) => diags.push(Diagnostic::error(
                            e.span,
                            format!("{} in {name}", e.message),
                        )),
                    }
                }
                Item::Event(ev) => {
                    let Built::Body(name, chunk, _) = compiled else {
                        continue;
                    };
                    match chunk {
                        Ok(chunk) => {
                            if disasm {
                                report
                                    .disassembly
                                    .push_str(&rustirc_bytecode::disassemble(&chunk));
                            }
                            let idx = self.vm.add_chunk(*chunk, script);
                            self.handlers.push(Handler {
                                script,
                                event: Event {
                                    body: Vec::new(),
                                    ..ev
                                },
                                chunk: idx,
                                group: located.group,
                            });
                            report.events += 1;
                        }
                        Err(e) => diags.push(Diagnostic::error(
                            e.span,
                            format!("{} in {name}", e.message),
                        )),
                    }
                }
                Item::Menu(m) => {
                    report.menus += 1;
                    let Built::Menu(chunks) = compiled else {
                        continue;
                    };
                    let mut items = Vec::new();
                    for (entry, chunk) in m.entries.into_iter().zip(chunks) {
                        let chunk = match chunk {
                            Ok(Some(c)) => Some(self.vm.add_chunk(*c, script)),
                            Ok(None) => None,
                            Err(err) => {
                                diags.push(Diagnostic::error(err.span, err.message));
                                None
                            }
                        };
                        items.push(LoadedMenuItem {
                            depth: entry.depth,
                            label: entry.label,
                            chunk,
                        });
                    }
                    self.menus.push(LoadedMenu {
                        script,
                        targets: m.targets,
                        items,
                    });
                }
                Item::Dialog(d) => {
                    report.dialogs += 1;
                    self.dialogs.push((script, d));
                }
                Item::User { levels, mask, info } => {
                    report.users += 1;
                    self.users.push((levels, mask, info));
                }
                Item::Variable { name, value } => {
                    report.variables += 1;
                    self.vm.st.globals.set(&name, Value::text(value));
                }
            }
        }
        warn_unsupported(&prepared, &mut diags);
        self.vm.relink();
        diags.sort_by_key(|d| d.span.start);
        for d in &diags {
            let l = diag::locate(&prepared, d);
            let rendered = diag::render(file, &l);
            report.diagnostics.push(FileDiagnostic {
                severity: l.severity,
                line: l.line,
                col: l.col,
                message: l.message,
                rendered,
            });
        }
        report
    }

    /// Runs the `on LOAD` then `on START` handlers of script `script`.
    pub fn run_load_events(&mut self, script: usize, host: &mut dyn Host) -> Vec<RunError> {
        let mut errors = Vec::new();
        for ev in ["LOAD", "START"] {
            let chunks: Vec<usize> = self
                .handlers
                .iter()
                .filter(|h| {
                    h.script == script && matches!(&h.event.kind, EventKind::On(n) if n == ev)
                })
                .map(|h| h.chunk)
                .take(1)
                .collect();
            for c in chunks {
                self.vm.begin(host);
                if let Err(e) = self.vm.call(c, Vec::new(), false, host) {
                    errors.push(e);
                }
            }
        }
        errors
    }

    /// Runs `/name args` as if typed in the status window: a loaded alias, a built-in command,
    /// or the host's.
    pub fn run_command(&mut self, line: &str, host: &mut dyn Host) -> Result<Outcome, RunError> {
        let stmts = rustirc_syntax::parse_statements(line)
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e)))?;
        self.run_stmts("command", &stmts, host)
    }

    /// Compiles and runs statements in a fresh frame.
    pub fn run_stmts(
        &mut self,
        name: &str,
        stmts: &[Stmt],
        host: &mut dyn Host,
    ) -> Result<Outcome, RunError> {
        let chunk = Compiler::compile_body(name, stmts, Options { record_v1v2: true })
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e.message)))?;
        let script = self.vm.script_names.len().saturating_sub(1);
        let idx = self.vm.add_chunk(chunk, script);
        self.vm.disown(idx);
        self.vm.begin(host);
        let r = self.vm.call(idx, Vec::new(), false, host);
        self.vm.truncate_chunks(idx);
        r
    }

    /// Evaluates an expression as `//echo -a EXPR` would and returns the echoed text.
    pub fn eval(&mut self, expr: &str, host: &mut dyn Host) -> Result<String, RunError> {
        let words = rustirc_syntax::parse_words(expr)
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e)))?;
        let chunk = Compiler::compile_words(&words, Options { record_v1v2: true })
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e.message)))?;
        let mut chunk = chunk;
        chunk.borrows_frame = false;
        let script = self.vm.script_names.len().saturating_sub(1);
        let idx = self.vm.add_chunk(chunk, script);
        self.vm.begin(host);
        let r = self.vm.call(idx, Vec::new(), false, host);
        self.vm.truncate_chunks(idx);
        let o = r?;
        // `/echo` shows single spaces and drops non-printable characters.
        let text = o.value.as_str().into_owned();
        Ok(text
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "))
    }

    /// Evaluates already-parsed words (an event's `$(…)` or `%var` field) in the context of
    /// `script`, returning their text.
    pub fn eval_words(
        &mut self,
        words: &rustirc_syntax::ast::Words,
        script: usize,
        host: &mut dyn Host,
    ) -> Result<String, RunError> {
        let mut chunk = Compiler::compile_words(words, Options { record_v1v2: true })
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e.message)))?;
        chunk.borrows_frame = false;
        let idx = self.vm.add_chunk(chunk, script);
        self.vm.begin(host);
        let r = self.vm.call(idx, Vec::new(), false, host);
        self.vm.truncate_chunks(idx);
        Ok(r?.value.as_str().into_owned())
    }

    /// Evaluates `text` as words (a menu label, `$submenu`'s call) in the context of
    /// `script`, with `params` as `$1-`, returning its text.
    pub fn eval_text(
        &mut self,
        text: &str,
        script: usize,
        params: Vec<Value>,
        host: &mut dyn Host,
    ) -> Result<String, RunError> {
        let words = rustirc_syntax::parse_words(text)
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e)))?;
        let mut chunk = Compiler::compile_words(&words, Options { record_v1v2: true })
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e.message)))?;
        chunk.borrows_frame = false;
        let idx = self.vm.add_chunk(chunk, script);
        self.vm.begin(host);
        let r = self.vm.call(idx, params, false, host);
        self.vm.truncate_chunks(idx);
        Ok(r?.value.as_str().into_owned())
    }

    /// Compiles and runs statements as code of `script`, with `params` as `$1-`.
    pub fn run_stmts_with(
        &mut self,
        name: &str,
        stmts: &[Stmt],
        script: usize,
        params: Vec<Value>,
        host: &mut dyn Host,
    ) -> Result<Outcome, RunError> {
        let chunk = Compiler::compile_body(name, stmts, Options { record_v1v2: true })
            .map_err(|e| dyn_error(RunErrorKind::DynamicSyntax(e.message)))?;
        let idx = self.vm.add_chunk(chunk, script);
        self.vm.begin(host);
        let r = self.vm.call(idx, params, false, host);
        self.vm.truncate_chunks(idx);
        r
    }

    /// Runs a loaded chunk (a menu item's command) with `params` as `$1-`.
    pub fn call_chunk(
        &mut self,
        chunk: usize,
        params: Vec<Value>,
        host: &mut dyn Host,
    ) -> Result<Outcome, RunError> {
        self.vm.begin(host);
        self.vm.call(chunk, params, false, host)
    }

    /// Removes the aliases script `script` defined. Its event handlers stay in
    /// [`Engine::handlers`] so handler indices held elsewhere keep their meaning; the host's
    /// event table drops them. (Compiled chunks stay allocated until the engine is dropped;
    /// nothing can reach them.)
    pub fn unload(&mut self, script: usize) {
        if let Some(k) = self.vm.script_kinds.get_mut(script) {
            *k = None;
        }
        for defs in self.vm.aliases.values_mut() {
            defs.retain(|(s, _, _)| *s != script);
        }
        self.menus.retain(|m| m.script != script);
        self.dialogs.retain(|(s, _)| *s != script);
        self.vm.aliases.retain(|_, d| !d.is_empty());
        self.vm.relink();
    }

    /// The names of the aliases callable from anywhere (not `-l` local), in no order.
    pub fn alias_names(&self) -> impl Iterator<Item = &str> {
        self.vm
            .aliases
            .iter()
            .filter(|(_, defs)| defs.iter().any(|(_, _, local)| !local))
            .map(|(name, _)| name.as_str())
    }

    /// The chunk of alias `name` visible from anywhere (first non-local in load order).
    pub fn alias_chunk(&self, name: &str) -> Option<usize> {
        self.vm
            .aliases
            .get(&name.to_ascii_lowercase())?
            .iter()
            .find(|(_, _, l)| !l)
            .map(|(_, c, _)| *c)
    }
}

/// What loading made of one item, on the thread that parsed it.
enum Built {
    /// An alias or event body: its name for messages, the chunk, the verifier's verdict.
    Body(String, Result<Box<Chunk>, CompileError>, Result<(), String>),
    /// A menu: each entry's compiled command (menus run later, from the GUI).
    Menu(Vec<Result<Option<Box<Chunk>>, CompileError>>),
    Nothing,
}

/// Whether a script reads `$v1`, `$v2` or `$ifmatch`, so comparisons must record their operands.
fn uses_v1v2(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'$', bytes).any(|i| {
        let rest = &bytes[i + 1..];
        let starts = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
        starts(b"v1") || starts(b"v2") || starts(b"ifmatch")
    })
}

fn dyn_error(kind: RunErrorKind) -> RunError {
    RunError {
        kind,
        file: None,
        line: 0,
        col: 0,
        place: String::new(),
    }
}

/// Warns about constructs the client cannot run yet, naming each once per file.
fn warn_unsupported(p: &Prepared, diags: &mut Vec<Diagnostic>) {
    const UNSUPPORTED: &[(&str, &str)] = &[
        ("$dll(", "$dll (native DLL calls) is not supported"),
        ("$dllcall(", "$dllcall (native DLL calls) is not supported"),
        ("$com(", "$com (COM objects) is not supported"),
        ("comopen ", "/comopen (COM objects) is not supported"),
        ("$dde(", "$dde is not supported"),
        ("dll ", "/dll (native DLL calls) is not supported"),
        (
            "drawtext ",
            "picture-window drawing (/drawtext) is not supported yet",
        ),
        (
            "drawrect ",
            "picture-window drawing (/drawrect) is not supported yet",
        ),
    ];
    let lower = p.text.to_ascii_lowercase();
    for (needle, msg) in UNSUPPORTED {
        let mut from = 0;
        let finder = memchr::memmem::Finder::new(needle);
        while let Some(i) = finder.find(&lower.as_bytes()[from..]) {
            let at = from + i;
            // Commands must start a statement (after indentation, `.` or `/`, or ` | `).
            let is_cmd = !needle.starts_with('$');
            let ok = !is_cmd || {
                let before = lower[..at].trim_end_matches(['.', '/', '!']);
                before.is_empty() || before.ends_with(['\n', ' ', '\t', '{'])
            };
            let word_start = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            if ok && word_start {
                diags.push(Diagnostic::warning(
                    rustirc_syntax::ast::Span::new(at, at + needle.len()),
                    (*msg).to_string(),
                ));
                break;
            }
            from = at + needle.len();
        }
    }
}
