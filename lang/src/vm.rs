//! The VM: runs linked chunks on one contiguous register stack with explicit frames.
//!
//! A frame's registers follow its parameters on that stack: a call copies its arguments to the
//! caller's top and the callee's registers start right after them, so parameters need no
//! vector of their own. Registers are not cleared between calls: code never reads a register
//! it has not written (locals are guarded by their declared bits), so a returning frame drops
//! nothing and a new one only writes its constants; the stack is emptied when the run ends.
//!
//! Alias calls push frames rather than recursing on the native stack, so depth is bounded by
//! [`crate::Limits::call_depth`] and a run can stop at any back edge. Dynamic text (`$eval`,
//! `[ ]`) is compiled on demand, cached by text, and runs in the frame that evaluated it.
//! Fuel is spent in one place, [`Vm::tick`], at back edges and calls, and by built-ins in
//! proportion to their work.

use crate::error::{RunError, RunErrorKind, RunResult};
use crate::host::Host;
use crate::ops::{arith, compare, math_text, num_of};
use crate::registry::{Args, CmdArgs, CommandId, Cx, IdentId, Registry};
use crate::state::{State, WATCHDOG_EVERY};
use crate::value::Value;
use rustc_hash::{FxHashMap, FxHashSet};
use rustirc_bytecode::{Chunk, Const, FrameInfo, Op, VarScope};
use std::rc::Rc;

/// What a link slot resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A loaded alias: index into the VM's chunks.
    Alias(usize),
    /// A built-in identifier.
    Ident(IdentId),
    /// A built-in command.
    Command(CommandId),
    /// Nothing here: ask the host.
    Host,
}

/// A chunk with its link slots resolved.
pub struct Linked {
    /// The code.
    pub chunk: Rc<Chunk>,
    /// The chunk's instructions, shared so the run loop holds them in a local.
    pub code: Rc<[Op]>,
    /// Constants as values.
    pub consts: Vec<Value>,
    /// The script file it came from (for local aliases and error positions).
    pub script: usize,
    /// Resolved identifier links.
    pub idents: Vec<Target>,
    /// Resolved command links.
    pub commands: Vec<Target>,
    /// Registers a frame of this chunk needs.
    nregs: usize,
    /// Parameters held in the frame's last registers (`Chunk::params`).
    nparams: usize,
    /// Constants loaded into registers on entry.
    prologue: Box<[(usize, Value)]>,
    /// Runs in its caller's frame (dynamic text).
    borrows: bool,
    /// Code of a loaded script; false for a line the user typed or a timer runs (see
    /// [`Vm::disown`]).
    owned: bool,
}

/// How a finished frame hands back its value.
#[derive(Clone, Copy, Debug, Default)]
enum Ret {
    /// Into an absolute register of the caller.
    Reg(u32),
    /// Into `$result` (a command-style call).
    Result,
    /// The end of the run (or of a nested evaluation).
    #[default]
    Top,
}

/// Locals whose names were built at run time, in declaration order.
type DynLocals = Vec<(Box<str>, Value)>;

/// `Frame::npar` when the parameters were replaced by `tokenize` (see `Cold::tok_params`).
const NO_WINDOW: u32 = u32::MAX;

/// A running alias, event or piece of dynamic text. Indices are `u32` to keep frames small:
/// a call writes one and a return reads one back.
#[derive(Default)]
struct Frame {
    chunk: u32,
    pc: u32,
    /// The frame's first register.
    base: u32,
    /// One past its last register: where a callee's parameters go.
    top: u32,
    /// Parameters `$1…` are registers `pbase..pbase + npar`, just below `base`, unless `npar`
    /// is [`NO_WINDOW`].
    pbase: u32,
    npar: u32,
    /// Index of the frame whose variables and parameters this one uses.
    owner: u32,
    ret: Ret,
    is_id: bool,
    silent: bool,
    declared: u64,
    parms_text: Option<Rc<str>>,
    /// This frame's code while an alias of another chunk it called runs (see the calls and
    /// returns in [`Vm::run`]); a call within the same chunk leaves it empty.
    saved_code: Option<Rc<[Op]>>,
    /// What few frames need (boxed: keeps frames small).
    cold: Option<Box<Cold>>,
}

#[derive(Default)]
struct Cold {
    /// `$prop`.
    prop: Option<Rc<str>>,
    /// Parameters set by `tokenize`.
    tok_params: Option<Vec<Value>>,
    /// Locals declared under names only known at run time, in declaration order.
    dyn_locals: DynLocals,
}

impl Frame {
    fn has_dyn_locals(&self) -> bool {
        self.cold.as_ref().is_some_and(|c| !c.dyn_locals.is_empty())
    }

    fn dyn_locals(&self) -> &[(Box<str>, Value)] {
        self.cold.as_ref().map_or(&[], |c| c.dyn_locals.as_slice())
    }

    fn cold_mut(&mut self) -> &mut Cold {
        self.cold.get_or_insert_with(Box::default)
    }

    fn prop(&self) -> Option<&Rc<str>> {
        self.cold.as_ref().and_then(|c| c.prop.as_ref())
    }
}

/// How a run ended.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The value returned by the outermost frame.
    pub value: Value,
    /// `halt` was used.
    pub halted: bool,
    /// `haltdef` (or `halt`) was used: stop the default action.
    pub halt_default: bool,
}

/// Whether a stepped run finished.
#[derive(Clone, Debug)]
pub enum Step {
    /// The run finished.
    Done(Outcome),
    /// The slice of fuel ran out at a safe point; call `step` again.
    Paused,
}

/// Resolves names for the VM: loaded aliases and the registry. Implemented by the engine.
pub trait Resolver {
    /// The chunk of alias `name` as seen from `script`, if any.
    fn alias(&self, name: &str, script: usize) -> Option<usize>;
}

/// Maps a source offset of one script to its `(line, col)`.
pub type PositionFn = Box<dyn Fn(u32) -> (u32, u32)>;

/// The virtual machine and everything loaded into it.
pub struct Vm {
    /// Shared state.
    pub st: State,
    /// Built-ins.
    pub registry: Rc<Registry>,
    /// Every linked chunk.
    pub chunks: Vec<Linked>,
    /// Script file names by index, for error positions.
    pub script_names: Vec<String>,
    /// What each script file holds (`$script(N)`, `$alias(N)`); `None` once unloaded.
    pub script_kinds: Vec<Option<rustirc_syntax::source::FileKind>>,
    /// Maps a chunk's source offset to `(line, col)`; filled by the engine per script.
    pub positions: Vec<PositionFn>,
    /// Aliases by name: each definition in load order as `(script, chunk, local)`.
    pub aliases: FxHashMap<String, Vec<(usize, usize, bool)>>,
    dyn_cache: FxHashMap<String, usize>,
    /// Names of compiled-in commands (`echo`, `timer`, …) that a loaded alias overrides.
    overridden: FxHashSet<String>,
    regs: Vec<Value>,
    /// Frames `..depth` are live; slots after them are kept (emptied) for the next calls, so a
    /// call writes its frame in place.
    frames: Vec<Frame>,
    depth: usize,
    halt_default: bool,
    nested: usize,
}

const NO_REG: u16 = u16::MAX;

impl Vm {
    /// A VM with the given registry and state.
    pub fn new(registry: Rc<Registry>, st: State) -> Vm {
        Vm {
            st,
            registry,
            chunks: Vec::new(),
            script_names: Vec::new(),
            script_kinds: Vec::new(),
            positions: Vec::new(),
            aliases: FxHashMap::default(),
            dyn_cache: FxHashMap::default(),
            overridden: FxHashSet::default(),
            regs: Vec::with_capacity(1024),
            frames: Vec::with_capacity(64),
            depth: 0,
            halt_default: false,
            nested: 0,
        }
    }

    /// Adds a chunk (links resolved later by [`Vm::relink`]); returns its index.
    pub fn add_chunk(&mut self, mut chunk: Chunk, script: usize) -> usize {
        let consts: Vec<Value> = chunk.consts.iter().map(const_value).collect();
        let n_i = chunk.ident_links.len();
        let n_c = chunk.command_links.len();
        let prologue = chunk
            .prologue
            .iter()
            .map(|&(r, k)| (r as usize, consts[k as usize].clone()))
            .collect();
        self.chunks.push(Linked {
            // The instructions move to the linked copy; the chunk keeps its tables.
            code: Rc::from(std::mem::take(&mut chunk.code)),
            nregs: chunk.nregs as usize,
            nparams: chunk.params as usize,
            prologue,
            borrows: chunk.borrows_frame,
            owned: true,
            chunk: Rc::new(chunk),
            consts,
            script,
            idents: vec![Target::Host; n_i],
            commands: vec![Target::Host; n_c],
        });
        let idx = self.chunks.len() - 1;
        self.link_one(idx);
        idx
    }

    /// Marks chunk `idx` as no loaded script's code (a typed line): host commands it runs
    /// itself are passed no script.
    pub fn disown(&mut self, idx: usize) {
        if let Some(c) = self.chunks.get_mut(idx) {
            c.owned = false;
        }
    }

    /// The loaded script whose code runs now; `None` for a line the user typed or a timer
    /// runs.
    fn owning_script(&self) -> Option<usize> {
        let f = self.frames.get(self.depth.checked_sub(1)?)?;
        let c = self.chunks.get(f.chunk as usize)?;
        c.owned.then_some(c.script)
    }

    /// Drops chunks from index `idx` on (a finished top-level command) and any cached dynamic
    /// code among them.
    pub fn truncate_chunks(&mut self, idx: usize) {
        if idx < self.chunks.len() {
            self.chunks.truncate(idx);
            self.dyn_cache.retain(|_, c| *c < idx);
        }
    }

    /// Re-resolves every link slot (after aliases were loaded or unloaded) and drops the cache
    /// of compiled dynamic text.
    pub fn relink(&mut self) {
        self.dyn_cache.clear();
        self.overridden = std::iter::once("echo")
            .chain(rustirc_compiler::INTRINSIC_COMMANDS.iter().copied())
            .filter(|n| self.aliases.contains_key(*n))
            .map(str::to_string)
            .collect();
        for i in 0..self.chunks.len() {
            self.link_one(i);
        }
    }

    fn link_one(&mut self, idx: usize) {
        let script = self.chunks[idx].script;
        let chunk = self.chunks[idx].chunk.clone();
        let idents: Vec<Target> = chunk
            .ident_links
            .iter()
            .map(|n| self.resolve(n, script, true))
            .collect();
        let commands: Vec<Target> = chunk
            .command_links
            .iter()
            .map(|n| self.resolve(n, script, false))
            .collect();
        self.chunks[idx].idents = idents;
        self.chunks[idx].commands = commands;
    }

    /// mIRC's lookup order: an alias of the caller's own file, then the first non-local alias in
    /// load order, then the built-in. `~name` skips aliases, `/name` skips built-ins, and
    /// `!name` (commands) skips aliases.
    fn resolve(&self, key: &str, script: usize, ident: bool) -> Target {
        let key = key.trim_end_matches('#');
        let (name, aliases_ok, builtin_ok) = if let Some(n) = key.strip_prefix('~') {
            (n, false, true)
        } else if let Some(n) = key.strip_prefix('!') {
            (n, false, true)
        } else if let Some(n) = key.strip_prefix('/') {
            (n, true, false)
        } else {
            (key, true, true)
        };
        if aliases_ok {
            if let Some(c) = self.find_alias(name, script) {
                return Target::Alias(c);
            }
        }
        if builtin_ok {
            if ident {
                if let Some(id) = self.registry.ident_id(name) {
                    return Target::Ident(id);
                }
            } else if let Some(id) = self.registry.command_id(name) {
                return Target::Command(id);
            }
        }
        Target::Host
    }

    /// The alias `name` visible from `script`.
    pub fn find_alias(&self, name: &str, script: usize) -> Option<usize> {
        let defs = self.aliases.get(name)?;
        if let Some((_, c, _)) = defs.iter().find(|(s, _, _)| *s == script) {
            return Some(*c);
        }
        defs.iter().find(|(_, _, local)| !local).map(|(_, c, _)| *c)
    }

    /// The script file of the running frame.
    fn running_script(&self) -> usize {
        self.last_frame()
            .map_or(0, |f| self.chunks[f.chunk as usize].script)
    }

    /// True when an alias of `chunk` is running (has a frame on the stack).
    fn alias_running(&self, chunk: usize) -> bool {
        self.frames[..self.depth]
            .iter()
            .any(|f| f.chunk as usize == chunk)
    }

    /// The alias a command `name` reaches from `script` when the alias its link found is
    /// running: an alias is not re-entered as a command, so `join` inside `alias join` reaches
    /// another file's alias of that name, else the built-in (mIRC's rule). Calls as an
    /// identifier (`$name(…)`) recurse as usual.
    fn command_alias(&self, name: &str, script: usize) -> Option<usize> {
        let defs = self.aliases.get(name)?;
        defs.iter()
            .filter(|(s, _, _)| *s == script)
            .chain(defs.iter().filter(|(s, _, local)| *s != script && !local))
            .map(|(_, c, _)| *c)
            .find(|c| !self.alias_running(*c))
    }

    /// [`Vm::command_alias`], else the built-in command, else the host.
    fn reentry_target(&self, name: &str, script: usize) -> Target {
        if let Some(c) = self.command_alias(name, script) {
            return Target::Alias(c);
        }
        self.registry
            .command_id(name)
            .map_or(Target::Host, Target::Command)
    }

    /// The alias that overrides the compiled-in command `name` (`echo`, `timer`, …) from
    /// `script`, if any.
    fn override_of(&self, name: &str, script: usize) -> Option<usize> {
        if self.overridden.is_empty() || !self.overridden.contains(name) {
            return None;
        }
        self.command_alias(name, script)
    }

    /// Starts a run: full fuel, no halt flag.
    pub fn begin(&mut self, host: &mut dyn Host) {
        let now = host.now_ms();
        self.st.begin_run(now);
        self.halt_default = false;
    }

    /// Runs chunk `chunk` to completion as a command call with `params`.
    pub fn call(
        &mut self,
        chunk: usize,
        params: Vec<Value>,
        is_id: bool,
        host: &mut dyn Host,
    ) -> Result<Outcome, RunError> {
        self.push_frame(chunk, params, Ret::Top, is_id, None, false, None)?;
        match self.step(u64::MAX, host)? {
            Step::Done(o) => Ok(o),
            Step::Paused => unreachable!("unbounded step paused"),
        }
    }

    /// Like [`Vm::call`] for an event handler: `$parms` is `text`, the event's text with its
    /// spacing, while `params` (`$1-`) are its words.
    pub fn call_event(
        &mut self,
        chunk: usize,
        params: Vec<Value>,
        text: &str,
        host: &mut dyn Host,
    ) -> Result<Outcome, RunError> {
        self.push_frame(
            chunk,
            params,
            Ret::Top,
            false,
            None,
            false,
            Some(Rc::from(text)),
        )?;
        match self.step(u64::MAX, host)? {
            Step::Done(o) => Ok(o),
            Step::Paused => unreachable!("unbounded step paused"),
        }
    }

    /// Pushes a command call of `chunk` without running it; drive it with [`Vm::step`].
    pub fn start(&mut self, chunk: usize, params: Vec<Value>) -> Result<(), RunError> {
        self.push_frame(chunk, params, Ret::Top, false, None, false, None)
    }

    /// Runs for at most `slice` fuel units; pauses at a back edge or call when the slice is
    /// spent. The run's own budget still applies.
    pub fn step(&mut self, slice: u64, host: &mut dyn Host) -> Result<Step, RunError> {
        let keep = self.st.fuel;
        let use_slice = slice < keep;
        if use_slice {
            self.st.fuel = slice;
        }
        // Without a slice, a pause at a frame boundary (fuel at zero) just continues: the
        // budget error then comes from the next back edge or call.
        let r = loop {
            match self.run(host, 0) {
                Ok(None) if !use_slice => {}
                r => break r,
            }
        };
        let spent = if use_slice {
            slice - self.st.fuel
        } else {
            keep - self.st.fuel
        };
        match r {
            Ok(Some(o)) => {
                self.st.fuel = keep.saturating_sub(spent);
                if self.depth == 0 {
                    self.st.globals.end_run();
                }
                Ok(Step::Done(o))
            }
            Ok(None) => {
                self.st.fuel = keep.saturating_sub(spent);
                Ok(Step::Paused)
            }
            Err(e) => {
                if use_slice
                    && matches!(
                        e.kind,
                        RunErrorKind::Limit {
                            what: "too many instructions",
                            ..
                        }
                    )
                    && keep > spent
                {
                    // The slice, not the budget, ran out.
                    self.st.fuel = keep - spent;
                    return Ok(Step::Paused);
                }
                self.cut_frames(0);
                self.regs.clear();
                self.st.globals.end_run();
                Err(e)
            }
        }
    }

    /// True while a stepped run has frames left.
    pub fn is_running(&self) -> bool {
        self.depth > 0
    }

    /// The innermost live frame.
    fn last_frame(&self) -> Option<&Frame> {
        self.depth.checked_sub(1).map(|i| &self.frames[i])
    }

    /// Ends the frames from `n` on; their slots stay, emptied, for reuse.
    fn cut_frames(&mut self, n: usize) {
        if n < self.depth {
            for f in &mut self.frames[n..self.depth] {
                f.parms_text = None;
                f.saved_code = None;
                f.cold = None;
            }
            self.depth = n;
        }
    }

    /// Pushes `f` as the innermost frame.
    fn push_frame_value(&mut self, f: Frame) {
        if self.depth < self.frames.len() {
            self.frames[self.depth] = f;
        } else {
            self.frames.push(f);
        }
        self.depth += 1;
    }

    /// The first free register: the top of the innermost frame.
    #[inline]
    fn stack_top(&self) -> usize {
        self.last_frame().map_or(0, |f| f.top as usize)
    }

    /// Pushes a frame for `chunk` whose parameters are `params`.
    #[allow(clippy::too_many_arguments)]
    fn push_frame(
        &mut self,
        chunk: usize,
        params: Vec<Value>,
        ret: Ret,
        is_id: bool,
        prop: Option<Rc<str>>,
        silent: bool,
        parms: Option<Rc<str>>,
    ) -> Result<(), RunError> {
        let pbase = self.reserve_frame(chunk, params.len());
        let n = params.len();
        for (i, v) in params.into_iter().enumerate() {
            self.regs[pbase + i] = v;
        }
        self.push_frame_at(chunk, n, ret, is_id, prop, silent, parms)
    }

    /// Makes room on top of the stack for a frame of `chunk` with `npar` parameters; returns
    /// the register where its parameters go.
    fn reserve_frame(&mut self, chunk: usize, npar: usize) -> usize {
        let linked = &self.chunks[chunk];
        let pbase = self.stack_top() + linked.nregs - linked.nparams;
        let end = pbase + npar.max(linked.nparams);
        if self.regs.len() < end {
            self.regs.resize(end, Value::Null);
        }
        pbase
    }

    /// Pushes a frame for `chunk` whose `npar` parameters were written where
    /// [`Vm::reserve_frame`] said.
    #[allow(clippy::too_many_arguments)]
    fn push_frame_at(
        &mut self,
        chunk: usize,
        npar: usize,
        ret: Ret,
        is_id: bool,
        prop: Option<Rc<str>>,
        silent: bool,
        parms: Option<Rc<str>>,
    ) -> Result<(), RunError> {
        let limit = self.st.limits.call_depth as usize;
        if limit != 0 && self.depth >= limit {
            return Err(self.depth_error(chunk, limit));
        }
        let base = self.stack_top();
        let linked = &self.chunks[chunk];
        let pbase = base + linked.nregs - linked.nparams;
        let top = pbase + npar.max(linked.nparams);
        if self.regs.len() < top {
            self.regs.resize(top, Value::Null);
        }
        if npar < linked.nparams {
            self.regs[pbase + npar..pbase + linked.nparams].fill(Value::Null);
        }
        for (r, v) in &*linked.prologue {
            self.regs[base + r] = v.clone();
        }
        let owner = match self.depth.checked_sub(1) {
            Some(i) if linked.borrows => self.frames[i].owner,
            _ => self.depth as u32,
        };
        self.push_frame_value(Frame {
            chunk: chunk as u32,
            pc: 0,
            base: base as u32,
            top: top as u32,
            pbase: pbase as u32,
            npar: npar as u32,
            owner,
            ret,
            is_id,
            silent,
            declared: 0,
            parms_text: parms,
            saved_code: None,
            cold: prop.map(|p| {
                Box::new(Cold {
                    prop: Some(p),
                    ..Cold::default()
                })
            }),
        });
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn depth_error(&self, chunk: usize, limit: usize) -> RunError {
        let place = self.place_of(chunk);
        self.error_at(
            RunErrorKind::Limit {
                what: "call depth exceeded",
                limit: limit as u64,
                place,
            },
            chunk,
            0,
        )
    }

    /// The parameters of frame `owner`.
    fn params(&self, owner: usize) -> &[Value] {
        let f = &self.frames[owner];
        if f.npar == NO_WINDOW {
            f.cold
                .as_ref()
                .and_then(|c| c.tok_params.as_deref())
                .unwrap_or(&[])
        } else {
            let p = f.pbase as usize;
            &self.regs[p..p + f.npar as usize]
        }
    }

    fn place_of(&self, chunk: usize) -> String {
        self.chunks
            .get(chunk)
            .map_or_else(String::new, |c| c.chunk.name.clone())
    }

    /// Builds a located error for `chunk` at `pc`.
    fn error_at(&self, mut kind: RunErrorKind, chunk: usize, pc: usize) -> RunError {
        let linked = &self.chunks[chunk];
        let place = linked.chunk.name.clone();
        if let RunErrorKind::Limit { place: p, .. } | RunErrorKind::Stopped(p) = &mut kind {
            if p.is_empty() {
                p.clone_from(&place);
            }
        }
        let (line, col) = linked
            .chunk
            .offset_of(u32::try_from(pc).unwrap_or(0))
            .and_then(|off| self.positions.get(linked.script).map(|f| f(off)))
            .unwrap_or((0, 0));
        RunError {
            kind,
            file: self.script_names.get(linked.script).cloned(),
            line,
            col,
            place,
        }
    }

    /// Spends one fuel unit. The common case is one test and one decrement; when the fuel
    /// reaches a multiple of [`WATCHDOG_EVERY`] (or zero) the slow path checks the budget
    /// and the wall clock.
    #[inline(always)]
    fn tick(&mut self, host: &mut dyn Host) -> RunResult<()> {
        if self.st.fuel & (WATCHDOG_EVERY - 1) == 0 {
            return self.tick_slow(host);
        }
        self.st.fuel -= 1;
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn tick_slow(&mut self, host: &mut dyn Host) -> RunResult<()> {
        if self.st.fuel == 0 {
            return Err(RunErrorKind::Limit {
                what: "too many instructions",
                limit: self.st.limits.instructions,
                place: String::new(),
            });
        }
        self.st.fuel -= 1;
        if host.stop_requested() {
            return Err(RunErrorKind::Stopped(String::new()));
        }
        if self.st.limits.wall_ms != 0 {
            let spent = self.st.run_started.map_or(0, |t| {
                u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
            });
            if spent > self.st.limits.wall_ms {
                return Err(RunErrorKind::Limit {
                    what: "run took too long",
                    limit: self.st.limits.wall_ms,
                    place: String::new(),
                });
            }
        }
        Ok(())
    }

    /// The run loop. Returns `Some(outcome)` when the frame at `stop` returned, `None` when the
    /// fuel slice ran out at a safe point (only when not nested).
    #[allow(clippy::too_many_lines)]
    fn run(&mut self, host: &mut dyn Host, stop: usize) -> Result<Option<Outcome>, RunError> {
        let mut fi = self.depth - 1;
        let mut chunk_idx = self.frames[fi].chunk as usize;
        let mut code = self.chunks[chunk_idx].code.clone();
        let mut pc = self.frames[fi].pc as usize;
        let mut base = self.frames[fi].base as usize;
        macro_rules! r {
            ($x:expr) => {
                self.regs[base + $x as usize]
            };
        }
        macro_rules! fail {
            ($k:expr) => {{
                let k = $k;
                return Err(self.error_at(k, chunk_idx, pc.saturating_sub(1)));
            }};
        }
        // One arithmetic instruction: integers in place when the result is an exact integer,
        // anything else through `arith`, a failure to the fallback.
        macro_rules! int_op {
            ($op:ident, $dst:expr, $a:expr, $b:expr, $fail:expr, |$x:ident, $y:ident| $fast:expr) => {{
                if let (&Value::Int($x), &Value::Int($y)) = (&r!($a), &r!($b)) {
                    if let Some(z) = $fast {
                        if z.abs() <= crate::value::MAX_EXACT {
                            set_int(&mut r!($dst), z);
                            continue;
                        }
                    }
                }
                match arith_value(rustirc_bytecode::ArithOp::$op, &r!($a), &r!($b)) {
                    Some(v) => r!($dst) = v,
                    None => pc = $fail as usize,
                }
            }};
        }
        // [`int_op`] with an integer immediate as right operand.
        macro_rules! imm_op {
            ($op:ident, $dst:expr, $a:expr, $imm:expr, $fail:expr, |$x:ident, $y:ident| $fast:expr) => {{
                let $y = i64::from($imm);
                if let &Value::Int($x) = &r!($a) {
                    if let Some(z) = $fast {
                        if z.abs() <= crate::value::MAX_EXACT {
                            set_int(&mut r!($dst), z);
                            continue;
                        }
                    }
                }
                match arith_value(rustirc_bytecode::ArithOp::$op, &r!($a), &Value::Int($y)) {
                    Some(v) => r!($dst) = v,
                    None => pc = $fail as usize,
                }
            }};
        }
        macro_rules! reload {
            () => {{
                fi = self.depth - 1;
                chunk_idx = self.frames[fi].chunk as usize;
                code = self.chunks[chunk_idx].code.clone();
                pc = self.frames[fi].pc as usize;
                base = self.frames[fi].base as usize;
            }};
        }
        loop {
            let at = pc;
            pc += 1;
            // Matching the place (not a copy of the whole instruction) lets each arm load only
            // its own operands.
            match code[at] {
                Op::LoadK { dst, k } => r!(dst) = self.chunks[chunk_idx].consts[k as usize].clone(),
                Op::Move { dst, src } => r!(dst) = r!(src).clone(),
                Op::LoadLocalChecked { dst, slot, name } => {
                    let owner = self.frames[fi].owner as usize;
                    let v = if owner == fi
                        && slot < 64
                        && self.frames[fi].declared & (1 << slot) != 0
                    {
                        r!(slot).clone()
                    } else {
                        self.read_var(&self.chunks[chunk_idx].chunk.names[name as usize])
                    };
                    r!(dst) = v;
                }
                Op::LoadVar { dst, name } => {
                    let f = &self.frames[fi];
                    let n = &self.chunks[chunk_idx].chunk.names[name as usize];
                    // The compiler found no local of that name in this chunk: in a frame of
                    // its own without run-time locals, only the globals remain.
                    let v = if f.owner as usize == fi && !f.has_dyn_locals() {
                        self.st.globals.get(n).cloned().unwrap_or_default()
                    } else {
                        self.read_var(n)
                    };
                    r!(dst) = v;
                }
                Op::LoadVarDyn { dst, src } => {
                    let n = r!(src).as_str().trim_start_matches('%').to_string();
                    r!(dst) = self.read_var(&n);
                }
                Op::StoreVar {
                    name,
                    slot,
                    src,
                    scope,
                } => {
                    let v = r!(src).clone();
                    if let Err(e) = self.st.check_len(value_len(&v)) {
                        fail!(e);
                    }
                    let owner = self.frames[fi].owner as usize;
                    if slot != NO_REG && owner == fi && slot < 64 {
                        let bit = 1u64 << slot;
                        match scope {
                            VarScope::Local => {
                                self.frames[fi].declared |= bit;
                                r!(slot) = v;
                                continue;
                            }
                            VarScope::Assign | VarScope::Update
                                if self.frames[fi].declared & bit != 0 =>
                            {
                                r!(slot) = v;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let f = &self.frames[fi];
                    if slot == NO_REG
                        && owner == fi
                        && !f.has_dyn_locals()
                        && scope != VarScope::Local
                    {
                        let n = &self.chunks[chunk_idx].chunk.names[name as usize];
                        if scope == VarScope::Update {
                            self.st.globals.update(n, v);
                        } else {
                            self.st.globals.set(n, v);
                        }
                        continue;
                    }
                    let n = self.chunks[chunk_idx].chunk.names[name as usize].clone();
                    self.write_var(&n, v, scope);
                }
                Op::StoreVarDyn {
                    name_reg,
                    src,
                    scope,
                } => {
                    let n = r!(name_reg).as_str().trim_start_matches('%').to_string();
                    let v = r!(src).clone();
                    if let Err(e) = self.st.check_len(value_len(&v)) {
                        fail!(e);
                    }
                    self.write_var(&n, v, scope);
                }
                Op::MathOrText { dst, a, op, b } => {
                    let (x, y) = (&r!(a), &r!(b));
                    let v = match (num_of(x), num_of(y)) {
                        (Some(x), Some(y)) => arith(op, &x, &y).unwrap_or(Value::Int(0)),
                        _ => Value::from_string(math_text(x, op, y)),
                    };
                    r!(dst) = v;
                }
                Op::IncReg { reg } => inc_in_place(&mut r!(reg)),
                Op::IncLoop {
                    reg,
                    cmp,
                    a,
                    b,
                    record,
                    target,
                } => {
                    inc_in_place(&mut r!(reg));
                    let res = match (&r!(a), &r!(b)) {
                        (Value::Int(x), Value::Int(y)) => int_cmp(cmp, *x, *y),
                        _ => None,
                    };
                    let res = res.unwrap_or_else(|| compare(cmp, &r!(a), &r!(b)));
                    if record {
                        self.st.v1 = r!(a).clone();
                        self.st.v2 = r!(b).clone();
                    }
                    if res {
                        if let Err(e) = self.tick(host) {
                            fail!(e);
                        }
                        pc = target as usize;
                    }
                }
                Op::IncLoopI {
                    cmp,
                    reg,
                    a,
                    record,
                    imm,
                    target,
                } => {
                    inc_in_place(&mut r!(reg));
                    let imm = i64::from(imm);
                    let res = match &r!(a) {
                        Value::Int(x) => int_cmp(cmp, *x, imm),
                        _ => None,
                    };
                    let res = res.unwrap_or_else(|| compare(cmp, &r!(a), &Value::Int(imm)));
                    if record {
                        self.st.v1 = r!(a).clone();
                        self.st.v2 = Value::Int(imm);
                    }
                    if res {
                        if let Err(e) = self.tick(host) {
                            fail!(e);
                        }
                        pc = target as usize;
                    }
                }
                Op::IncVar {
                    name,
                    slot,
                    by,
                    neg,
                } => {
                    let by_v = r!(by).clone();
                    let owner = self.frames[fi].owner as usize;
                    let op = if neg {
                        rustirc_bytecode::ArithOp::Sub
                    } else {
                        rustirc_bytecode::ArithOp::Add
                    };
                    let by_n = if by_v.is_null() {
                        Value::Int(1)
                    } else {
                        num_of(&by_v).unwrap_or(Value::Int(0))
                    };
                    if slot != NO_REG
                        && owner == fi
                        && slot < 64
                        && self.frames[fi].declared & (1 << slot) != 0
                    {
                        let cur = r!(slot).clone();
                        let curn = if cur.is_null() {
                            Some(Value::Int(0))
                        } else {
                            num_of(&cur)
                        };
                        if let Some(c) = curn {
                            r!(slot) = arith(op, &c, &by_n).unwrap_or(c);
                        }
                    } else if slot == NO_REG && owner == fi && !self.frames[fi].has_dyn_locals() {
                        // No local of that name here: only the globals remain.
                        let n = &self.chunks[chunk_idx].chunk.names[name as usize];
                        let cur = self.st.globals.get(n).cloned().unwrap_or_default();
                        let curn = if cur.is_null() {
                            Some(Value::Int(0))
                        } else {
                            num_of(&cur)
                        };
                        if let Some(c) = curn {
                            let v = arith(op, &c, &by_n).unwrap_or(c);
                            self.st.globals.update(n, v);
                        }
                    } else {
                        let n = self.chunks[chunk_idx].chunk.names[name as usize].clone();
                        let cur = self.read_var(&n);
                        let curn = if cur.is_null() {
                            Some(Value::Int(0))
                        } else {
                            num_of(&cur)
                        };
                        if let Some(c) = curn {
                            let v = arith(op, &c, &by_n).unwrap_or(c);
                            self.write_var(&n, v, VarScope::Update);
                        }
                    }
                }
                Op::Unset { start, n } => {
                    let names: Vec<String> = (0..n)
                        .flat_map(|i| {
                            r!(start + u16::from(i))
                                .as_str()
                                .split(' ')
                                .map(str::to_string)
                                .collect::<Vec<_>>()
                        })
                        .collect();
                    for name in names {
                        self.unset_var(name.trim_start_matches('%'));
                    }
                }
                Op::LoadParam { dst, n } => {
                    let f = &self.frames[fi];
                    let n = n as usize;
                    let v = if f.owner as usize == fi && f.npar != NO_WINDOW {
                        if n == 0 {
                            Value::Int(i64::from(f.npar))
                        } else if n <= f.npar as usize {
                            self.regs[f.pbase as usize + n - 1].clone()
                        } else {
                            Value::Null
                        }
                    } else {
                        let p = self.params(f.owner as usize);
                        if n == 0 {
                            Value::int(p.len() as i64)
                        } else {
                            p.get(n - 1).cloned().unwrap_or_default()
                        }
                    };
                    r!(dst) = v;
                }
                Op::LoadParamRange { dst, from, to } => {
                    let owner = self.frames[fi].owner as usize;
                    let p = self.params(owner);
                    let from = (from.max(1) - 1) as usize;
                    let to = if to == 0 {
                        p.len()
                    } else {
                        (to as usize).min(p.len())
                    };
                    let v = if from >= to {
                        Value::Null
                    } else if to - from == 1 {
                        p[from].clone()
                    } else {
                        let mut s = String::new();
                        for (i, v) in p[from..to].iter().enumerate() {
                            if i > 0 {
                                s.push(' ');
                            }
                            v.write_to(&mut s);
                        }
                        Value::from_string(s)
                    };
                    r!(dst) = v;
                }
                Op::LoadInfo { dst, what } => {
                    let owner = self.frames[fi].owner as usize;
                    let f = &self.frames[owner];
                    let v = match what {
                        FrameInfo::IsId => Value::bool(f.is_id),
                        FrameInfo::Prop => f.prop().map_or(Value::Null, |p| Value::Str(p.clone())),
                        FrameInfo::Show => Value::bool(!f.silent),
                        FrameInfo::Result => self.st.result.clone(),
                        FrameInfo::V1 => self.st.v1.clone(),
                        FrameInfo::V2 => self.st.v2.clone(),
                        FrameInfo::Parms => f.parms_text.as_ref().map_or_else(
                            || join_values(self.params(owner)),
                            |p| Value::Str(p.clone()),
                        ),
                    };
                    r!(dst) = v;
                }
                Op::Concat { dst, start, n } => {
                    let cap = (0..n).map(|i| r!(start + i).len_hint()).sum();
                    let mut s = String::with_capacity(cap);
                    for i in 0..n {
                        r!(start + i).write_to(&mut s);
                    }
                    if let Err(e) = self.st.check_len(s.len()) {
                        fail!(e);
                    }
                    r!(dst) = Value::from_string(s);
                }
                Op::JoinWords { dst, start, n } => {
                    let cap = (0..n).map(|i| r!(start + i).len_hint() + 1).sum();
                    let mut s = String::with_capacity(cap);
                    let mut first = true;
                    for i in 0..n {
                        let v = &r!(start + i);
                        if v.is_null() {
                            continue;
                        }
                        if !first {
                            s.push(' ');
                        }
                        first = false;
                        v.write_to(&mut s);
                    }
                    if let Err(e) = self.st.check_len(s.len()) {
                        fail!(e);
                    }
                    r!(dst) = Value::from_string(s);
                }
                Op::ChanPrefix { dst, src } => {
                    let t = r!(src).as_str().into_owned();
                    r!(dst) = if t.starts_with('#') {
                        Value::from_string(t)
                    } else {
                        Value::from_string(format!("#{t}"))
                    };
                }
                Op::EvalText { dst, src } => {
                    let text = r!(src).as_str().into_owned();
                    self.frames[fi].pc = pc as u32;
                    let v = self.eval_text(&text, host)?;
                    reload!();
                    r!(dst) = v;
                }
                Op::EvalTimes { dst, src, n } => {
                    let times = r!(n).to_i64_lenient();
                    let mut v = r!(src).clone();
                    if times == 0 {
                        // Already evaluated once; 0 cannot be honoured for a dynamic count.
                    }
                    for _ in 1..times.clamp(1, 32) {
                        let text = v.as_str().into_owned();
                        self.frames[fi].pc = pc as u32;
                        v = self.eval_text(&text, host)?;
                        reload!();
                    }
                    r!(dst) = v;
                }
                Op::HaltIfNull { src } => {
                    if r!(src).is_null() {
                        self.frames[fi].pc = pc as u32;
                        return self.finish_halt(stop, false);
                    }
                }
                Op::Add { dst, a, b, fail } => {
                    int_op!(Add, dst, a, b, fail, |x, y| x.checked_add(y));
                }
                Op::Sub { dst, a, b, fail } => {
                    int_op!(Sub, dst, a, b, fail, |x, y| x.checked_sub(y));
                }
                Op::Mul { dst, a, b, fail } => {
                    int_op!(Mul, dst, a, b, fail, |x, y| x.checked_mul(y));
                }
                Op::Mod { dst, a, b, fail } => {
                    int_op!(Mod, dst, a, b, fail, |x, y| x.checked_rem(y));
                }
                Op::AddI { dst, a, imm, fail } => {
                    imm_op!(Add, dst, a, imm, fail, |x, y| x.checked_add(y));
                }
                Op::SubI { dst, a, imm, fail } => {
                    imm_op!(Sub, dst, a, imm, fail, |x, y| x.checked_sub(y));
                }
                Op::MulI { dst, a, imm, fail } => {
                    imm_op!(Mul, dst, a, imm, fail, |x, y| x.checked_mul(y));
                }
                Op::ModI { dst, a, imm, fail } => {
                    imm_op!(Mod, dst, a, imm, fail, |x, y| x.checked_rem(y));
                }
                Op::Arith {
                    op,
                    dst,
                    a,
                    b,
                    fail,
                } => {
                    if let (&Value::Int(x), &Value::Int(y)) = (&r!(a), &r!(b)) {
                        if op == rustirc_bytecode::ArithOp::Div {
                            // As `arith` divides integers: exact quotients stay integers,
                            // others are the double quotient.
                            if let Some(rem) = x.checked_rem(y) {
                                if rem != 0 {
                                    #[allow(clippy::cast_precision_loss)]
                                    let q = x as f64 / y as f64;
                                    r!(dst) = Value::Num(q);
                                    continue;
                                }
                                let z = x / y;
                                if z.abs() <= crate::value::MAX_EXACT {
                                    set_int(&mut r!(dst), z);
                                    continue;
                                }
                            }
                        } else if let Some(z) = int_arith(op, x, y) {
                            set_int(&mut r!(dst), z);
                            continue;
                        }
                    }
                    match arith_value(op, &r!(a), &r!(b)) {
                        Some(v) => r!(dst) = v,
                        None => pc = fail as usize,
                    }
                }
                Op::Neg { dst, src, fail } => match num_of(&r!(src)) {
                    Some(Value::Int(i)) => r!(dst) = Value::Int(-i),
                    Some(v) => r!(dst) = Value::num(-v.to_f64_lenient()),
                    None => pc = fail as usize,
                },
                Op::JumpCmp {
                    cmp,
                    a,
                    b,
                    when,
                    record,
                    target,
                } => {
                    let res = match (&r!(a), &r!(b)) {
                        (Value::Int(x), Value::Int(y)) => int_cmp(cmp, *x, *y),
                        _ => None,
                    };
                    let res = match res {
                        Some(r) => r,
                        None => compare(cmp, &r!(a), &r!(b)),
                    };
                    if record {
                        self.st.v1 = r!(a).clone();
                        self.st.v2 = r!(b).clone();
                    }
                    if res == when {
                        if (target as usize) < pc {
                            if let Err(e) = self.tick(host) {
                                fail!(e);
                            }
                        }
                        pc = target as usize;
                    }
                }
                Op::JumpCmpI {
                    cmp,
                    a,
                    when,
                    record,
                    imm,
                    target,
                } => {
                    let imm = i64::from(imm);
                    let res = match &r!(a) {
                        Value::Int(x) => int_cmp(cmp, *x, imm),
                        _ => None,
                    };
                    let res = match res {
                        Some(r) => r,
                        None => compare(cmp, &r!(a), &Value::Int(imm)),
                    };
                    if record {
                        self.st.v1 = r!(a).clone();
                        self.st.v2 = Value::Int(imm);
                    }
                    if res == when {
                        if (target as usize) < pc {
                            if let Err(e) = self.tick(host) {
                                fail!(e);
                            }
                        }
                        pc = target as usize;
                    }
                }
                Op::JumpHostCmp {
                    when,
                    a,
                    b,
                    record,
                    name,
                    target,
                } => {
                    let name = self.chunks[chunk_idx].chunk.names[name as usize].clone();
                    let args = [r!(a).clone(), r!(b).clone()];
                    let res = match host.identifier(&format!("op:{name}"), &args, None) {
                        Some(Ok(v)) => v.truthy(),
                        Some(Err(e)) => fail!(RunErrorKind::Command(e)),
                        None => false,
                    };
                    if record {
                        self.st.v1 = r!(a).clone();
                        self.st.v2 = r!(b).clone();
                    }
                    if res == when {
                        if (target as usize) < pc {
                            if let Err(e) = self.tick(host) {
                                fail!(e);
                            }
                        }
                        pc = target as usize;
                    }
                }
                Op::JumpTruth {
                    src,
                    when,
                    record,
                    target,
                } => {
                    if record {
                        self.st.v1 = r!(src).clone();
                    }
                    if r!(src).truthy() == when {
                        if (target as usize) < pc {
                            if let Err(e) = self.tick(host) {
                                fail!(e);
                            }
                        }
                        pc = target as usize;
                    }
                }
                Op::Jump { target } => {
                    if (target as usize) < pc {
                        if let Err(e) = self.tick(host) {
                            fail!(e);
                        }
                    }
                    pc = target as usize;
                }
                Op::Loop { target } => {
                    if let Err(e) = self.tick(host) {
                        fail!(e);
                    }
                    pc = target as usize;
                }
                Op::Resume { target } => pc = target as usize,
                Op::GotoDyn { src } => {
                    let label = r!(src).as_str().to_ascii_lowercase();
                    let found = self.chunks[chunk_idx]
                        .chunk
                        .labels
                        .iter()
                        .find(|(n, _)| *n == label)
                        .map(|(_, t)| *t);
                    match found {
                        Some(target) => {
                            if let Err(e) = self.tick(host) {
                                fail!(e);
                            }
                            pc = target as usize;
                        }
                        None => fail!(RunErrorKind::LabelNotFound(label)),
                    }
                }
                Op::CallIdent {
                    dst,
                    link,
                    start,
                    n,
                    prop,
                } => {
                    let target = self.chunks[chunk_idx].idents[link as usize];
                    match target {
                        Target::Alias(callee) => {
                            if let Err(e) = self.tick(host) {
                                fail!(e);
                            }
                            let limit = self.st.limits.call_depth as usize;
                            if limit != 0 && self.depth >= limit {
                                return Err(self.depth_error(callee, limit));
                            }
                            let f = &mut self.frames[fi];
                            f.pc = pc as u32;
                            let (silent, top) = (f.silent, f.top as usize);
                            let (s, n) = (base + start as usize, n as usize);
                            let linked = &self.chunks[callee];
                            let (pofs, np) = (linked.nregs - linked.nparams, linked.nparams);
                            let ntop = top + pofs + n.max(np);
                            if self.regs.len() < ntop {
                                self.regs.resize(ntop, Value::Null);
                            }
                            // The callee's registers start at the top; the arguments go to
                            // its parameter registers at their end.
                            let (below, above) = self.regs.split_at_mut(top);
                            let window = &mut above[pofs..];
                            for (d, v) in window[..n].iter_mut().zip(&below[s..s + n]) {
                                copy_value(d, v);
                            }
                            if n < np {
                                window[n..np].fill(Value::Null);
                            }
                            for (r, v) in &*linked.prologue {
                                copy_value(&mut above[*r], v);
                            }
                            // An alias owns its variables (only dynamic text borrows a frame).
                            debug_assert!(!linked.borrows);
                            let d = self.depth;
                            // The caller keeps its code in its frame unless the callee shares
                            // it (recursion): no reference counting on the way back.
                            if callee != chunk_idx {
                                let next = linked.code.clone();
                                self.frames[fi].saved_code =
                                    Some(std::mem::replace(&mut code, next));
                            }
                            // The frame is written in place over an emptied slot.
                            if d == self.frames.len() {
                                self.frames.push(Frame::default());
                            }
                            let f = &mut self.frames[d];
                            f.chunk = callee as u32;
                            f.pc = 0;
                            f.base = top as u32;
                            f.top = ntop as u32;
                            f.pbase = (top + pofs) as u32;
                            f.npar = n as u32;
                            f.owner = d as u32;
                            f.ret = Ret::Reg((base + dst as usize) as u32);
                            f.is_id = true;
                            f.silent = silent;
                            f.declared = 0;
                            self.depth = d + 1;
                            if prop != u32::MAX {
                                let p = Rc::from(
                                    self.chunks[chunk_idx].chunk.names[prop as usize].as_str(),
                                );
                                self.frames[d].cold = Some(Box::new(Cold {
                                    prop: Some(p),
                                    ..Cold::default()
                                }));
                            }
                            fi = d;
                            chunk_idx = callee;
                            pc = 0;
                            base = top;
                        }
                        Target::Ident(id) => {
                            let spec = self.registry.ident(id);
                            let prop_s = if prop == u32::MAX {
                                None
                            } else {
                                Some(self.chunks[chunk_idx].chunk.names[prop as usize].as_str())
                            };
                            let s = base + start as usize;
                            let result = {
                                let args = Args {
                                    name: spec.name,
                                    vals: &self.regs[s..s + n as usize],
                                    prop: prop_s,
                                };
                                if spec.arity.accepts(args.len()) {
                                    self.st.owner = self.owning_script();
                                    let mut cx = Cx {
                                        st: &mut self.st,
                                        host,
                                    };
                                    (spec.run)(&mut cx, &args)
                                } else {
                                    Ok(Value::Null)
                                }
                            };
                            match result {
                                Ok(v) => r!(dst) = v,
                                Err(e) => fail!(e),
                            }
                        }
                        Target::Host | Target::Command(_) => {
                            let name = self.chunks[chunk_idx].chunk.ident_links[link as usize]
                                .trim_start_matches(['~', '/'])
                                .trim_end_matches('#')
                                .to_string();
                            let builtin_only = self.chunks[chunk_idx].chunk.ident_links
                                [link as usize]
                                .starts_with('~');
                            let prop_s = if prop == u32::MAX {
                                None
                            } else {
                                Some(self.chunks[chunk_idx].chunk.names[prop as usize].as_str())
                            };
                            let s = base + start as usize;
                            let res = host.identifier(&name, &self.regs[s..s + n as usize], prop_s);
                            match res {
                                Some(Ok(v)) => r!(dst) = v,
                                Some(Err(e)) => fail!(RunErrorKind::Command(e)),
                                None => {
                                    if builtin_only {
                                        r!(dst) = Value::Null;
                                    } else {
                                        fail!(RunErrorKind::UnknownIdent(name));
                                    }
                                }
                            }
                        }
                    }
                }
                Op::RunCommand {
                    link,
                    start,
                    n,
                    silent,
                } => {
                    let mut target = self.chunks[chunk_idx].commands[link as usize];
                    let name = self.chunks[chunk_idx].chunk.command_links[link as usize]
                        .trim_start_matches('!')
                        .to_string();
                    if let Target::Alias(c) = target {
                        if self.alias_running(c) {
                            target = self.reentry_target(&name, self.chunks[chunk_idx].script);
                        }
                    }
                    self.frames[fi].pc = pc as u32;
                    match self.run_command(
                        target,
                        &name,
                        base + start as usize,
                        n as usize,
                        silent,
                        host,
                    ) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => fail!(e),
                    }
                }
                Op::RunCommandDyn {
                    name,
                    start,
                    n,
                    silent,
                } => {
                    let text = r!(name).as_str().into_owned();
                    let cmd = text.trim_start_matches(['/', '.']).to_ascii_lowercase();
                    let script = self.chunks[chunk_idx].script;
                    let mut target = self.resolve(&cmd, script, false);
                    if let Target::Alias(c) = target {
                        if self.alias_running(c) {
                            target = self.reentry_target(&cmd, script);
                        }
                    }
                    if cmd == "echo" && target == Target::Host {
                        // `/echo` is compiled in: a name known only at run time still reaches it.
                        let words: Vec<Value> =
                            (0..u16::from(n)).map(|i| r!(start + i).clone()).collect();
                        let show = !silent && !text.starts_with('.') && !self.frames[fi].silent;
                        if let Err(e) = echo(&words, show, host) {
                            fail!(e);
                        }
                        continue;
                    }
                    self.frames[fi].pc = pc as u32;
                    match self.run_command(
                        target,
                        &cmd,
                        base + start as usize,
                        n as usize,
                        silent || text.starts_with('.'),
                        host,
                    ) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => fail!(e),
                    }
                }
                Op::Echo {
                    start,
                    n,
                    silent,
                    builtin,
                } => {
                    if !builtin {
                        let script = self.chunks[chunk_idx].script;
                        if let Some(c) = self.override_of("echo", script) {
                            self.frames[fi].pc = pc as u32;
                            match self.run_command(
                                Target::Alias(c),
                                "echo",
                                base + start as usize,
                                usize::from(n),
                                silent,
                                host,
                            ) {
                                Ok(true) => reload!(),
                                Ok(false) => {}
                                Err(e) => fail!(e),
                            }
                            continue;
                        }
                    }
                    let words: Vec<Value> =
                        (0..u16::from(n)).map(|i| r!(start + i).clone()).collect();
                    let show = !silent && !self.frames[fi].silent;
                    if let Err(e) = echo(&words, show, host) {
                        fail!(e);
                    }
                }
                Op::Tokenize { delim, src } => {
                    let d = u32::try_from(r!(delim).to_i64_lenient())
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or(' ');
                    let text = r!(src).as_str().into_owned();
                    let params: Vec<Value> = text
                        .split(d)
                        .filter(|t| !t.is_empty())
                        .map(Value::text)
                        .collect();
                    let owner = self.frames[fi].owner as usize;
                    // The parameter registers take the first words; all are kept for `$0`,
                    // higher parameters and ranges.
                    let f = &self.frames[owner];
                    let (pbase, np) = (f.pbase as usize, self.chunks[f.chunk as usize].nparams);
                    for i in 0..np {
                        self.regs[pbase + i] = params.get(i).cloned().unwrap_or_default();
                    }
                    let f = &mut self.frames[owner];
                    f.npar = NO_WINDOW;
                    f.cold_mut().tok_params = Some(params);
                    f.parms_text = None;
                }
                Op::Intrinsic {
                    dst,
                    which,
                    start,
                    n,
                    prop,
                } => {
                    let name = self.chunks[chunk_idx].chunk.names[which as usize].clone();
                    let args: Vec<Value> =
                        (0..u16::from(n)).map(|i| r!(start + i).clone()).collect();
                    let prop_s = if prop == u32::MAX {
                        None
                    } else {
                        Some(self.chunks[chunk_idx].chunk.names[prop as usize].clone())
                    };
                    self.frames[fi].pc = pc as u32;
                    let v = match self.intrinsic(&name, &args, prop_s.as_deref(), host) {
                        Ok(v) => v,
                        Err(IntrinsicError::Run(e)) => return Err(e),
                        Err(IntrinsicError::Kind(k)) => fail!(k),
                    };
                    reload!();
                    r!(dst) = v;
                }
                Op::IntrinsicCmd {
                    which,
                    start,
                    n,
                    silent,
                    builtin,
                } => {
                    let name = self.chunks[chunk_idx].chunk.names[which as usize].clone();
                    if !builtin {
                        let script = self.chunks[chunk_idx].script;
                        if let Some(c) = self.override_of(&name, script) {
                            self.frames[fi].pc = pc as u32;
                            match self.run_command(
                                Target::Alias(c),
                                &name,
                                base + start as usize,
                                usize::from(n),
                                silent,
                                host,
                            ) {
                                Ok(true) => reload!(),
                                Ok(false) => {}
                                Err(e) => fail!(e),
                            }
                            continue;
                        }
                    }
                    let words: Vec<Value> =
                        (0..u16::from(n)).map(|i| r!(start + i).clone()).collect();
                    let text = join_values(&words).as_str().into_owned();
                    if name == "scon" || name == "scid" {
                        // `text` is the raw argument text.
                        self.frames[fi].pc = pc as u32;
                        match self.relay(&name, &text, host) {
                            Ok(()) => {}
                            Err(IntrinsicError::Run(e)) => return Err(e),
                            Err(IntrinsicError::Kind(k)) => fail!(k),
                        }
                        reload!();
                        continue;
                    }
                    let script = self.owning_script();
                    match host.script_command(script, &name, &text, silent) {
                        Some(Ok(())) => {}
                        Some(Err(e)) => fail!(RunErrorKind::Command(e)),
                        None => fail!(RunErrorKind::Command(format!(
                            "/{name}: not available here"
                        ))),
                    }
                }
                Op::Return { src, exact } => {
                    let mut v = if src == NO_REG {
                        Value::Null
                    } else {
                        std::mem::take(&mut r!(src))
                    };
                    if !exact && matches!(v, Value::Str(_)) {
                        v = collapse_spaces(v);
                    }
                    // The frame is dropped in place; its registers stay as they are.
                    let f = &mut self.frames[fi];
                    let ret = f.ret;
                    if f.parms_text.is_some() {
                        f.parms_text = None;
                    }
                    if f.saved_code.is_some() {
                        f.saved_code = None;
                    }
                    if f.cold.is_some() {
                        f.cold = None;
                    }
                    self.depth = fi;
                    match ret {
                        Ret::Reg(abs) => self.regs[abs as usize] = v,
                        Ret::Result => self.st.result = v,
                        Ret::Top => {
                            if fi <= stop {
                                if fi == 0 {
                                    self.regs.clear();
                                }
                                return Ok(Some(Outcome {
                                    value: v,
                                    halted: false,
                                    halt_default: self.halt_default,
                                }));
                            }
                        }
                    }
                    if fi <= stop {
                        return Ok(Some(Outcome {
                            value: Value::Null,
                            halted: false,
                            halt_default: self.halt_default,
                        }));
                    }
                    // Back in the caller: its code is the one it kept, or still the current
                    // one when it is the same chunk.
                    fi -= 1;
                    let f = &mut self.frames[fi];
                    let caller = f.chunk as usize;
                    pc = f.pc as usize;
                    base = f.base as usize;
                    if let Some(c) = f.saved_code.take() {
                        code = c;
                    } else if caller != chunk_idx {
                        code = self.chunks[caller].code.clone();
                    }
                    chunk_idx = caller;
                    // A paused slice only stops at frame boundaries of the outermost run.
                    if self.nested == 0 && self.st.fuel == 0 {
                        self.frames[fi].pc = pc as u32;
                        return Ok(None);
                    }
                }
                Op::Halt => {
                    self.halt_default = true;
                    return self.finish_halt(stop, true);
                }
                Op::HaltDef => self.halt_default = true,
            }
        }
    }

    fn finish_halt(&mut self, stop: usize, _def: bool) -> Result<Option<Outcome>, RunError> {
        // `halt` ends the whole call chain of this run. Nested evaluations propagate it.
        if self.nested > 0 {
            self.cut_frames(stop);
            return Err(RunError {
                kind: RunErrorKind::Cancelled,
                file: None,
                line: 0,
                col: 0,
                place: "halt".to_string(),
            });
        }
        self.cut_frames(0);
        self.regs.clear();
        Ok(Some(Outcome {
            value: Value::Null,
            halted: true,
            halt_default: self.halt_default,
        }))
    }

    /// Runs a command; returns true when it pushed a frame (the caller reloads).
    fn run_command(
        &mut self,
        target: Target,
        name: &str,
        abs: usize,
        n: usize,
        silent: bool,
        host: &mut dyn Host,
    ) -> RunResult<bool> {
        match target {
            Target::Alias(callee) => {
                let text = join_values(&self.regs[abs..abs + n]);
                let parms: Rc<str> = Rc::from(text.as_str().as_ref());
                let fi = self.depth - 1;
                let silent = silent || self.frames[fi].silent;
                self.tick(host)?;
                let words: Vec<&str> = parms.split(' ').filter(|t| !t.is_empty()).collect();
                let pbase = self.reserve_frame(callee, words.len());
                for (i, w) in words.iter().enumerate() {
                    self.regs[pbase + i] = Value::text(w);
                }
                self.push_frame_at(
                    callee,
                    words.len(),
                    Ret::Result,
                    false,
                    None,
                    silent,
                    Some(parms),
                )
                .map_err(|e| e.kind)?;
                Ok(true)
            }
            Target::Command(id) => {
                let spec = *self.registry.command(id);
                let args = CmdArgs {
                    name: spec.name,
                    words: &self.regs[abs..abs + n],
                    silent,
                };
                self.st.owner = self.owning_script();
                let mut cx = Cx {
                    st: &mut self.st,
                    host,
                };
                (spec.run)(&mut cx, &args)?;
                Ok(false)
            }
            Target::Ident(_) | Target::Host => {
                let text = join_values(&self.regs[abs..abs + n]).as_str().into_owned();
                let script = self.owning_script();
                match host.script_command(script, name, &text, silent) {
                    Some(Ok(())) => {
                        for (n, v) in host.take_var_writes() {
                            self.st.check_len(value_len(&v))?;
                            self.write_var(&n, v, VarScope::Assign);
                        }
                        Ok(false)
                    }
                    Some(Err(e)) => Err(RunErrorKind::Command(e)),
                    None => Err(RunErrorKind::UnknownCommand(name.to_string())),
                }
            }
        }
    }

    /// Evaluates `text` once as code in the current frame (`[ ]`, `$eval(x,2)`).
    pub fn eval_text(&mut self, text: &str, host: &mut dyn Host) -> Result<Value, RunError> {
        // Text without sigils evaluates to itself: skip the compiler.
        if !text.contains(['$', '%', '#', '[', ']']) {
            return Ok(Value::text(
                text.split(' ')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
        }
        let idx = match self.dyn_cache.get(text) {
            Some(&i) => i,
            None => {
                let words = rustirc_syntax::parse_words(text).map_err(|e| RunError {
                    kind: RunErrorKind::DynamicSyntax(e),
                    file: None,
                    line: 0,
                    col: 0,
                    place: "eval".to_string(),
                })?;
                let chunk = rustirc_compiler::Compiler::compile_words(
                    &words,
                    rustirc_compiler::Options { record_v1v2: true },
                )
                .map_err(|e| RunError {
                    kind: RunErrorKind::DynamicSyntax(e.message),
                    file: None,
                    line: 0,
                    col: 0,
                    place: "eval".to_string(),
                })?;
                let script = self
                    .last_frame()
                    .map_or(0, |f| self.chunks[f.chunk as usize].script);
                let i = self.add_chunk(chunk, script);
                if self.dyn_cache.len() > 4096 {
                    self.dyn_cache.clear();
                }
                self.dyn_cache.insert(text.to_string(), i);
                i
            }
        };
        self.run_nested(idx, Vec::new(), host)
    }

    /// `/scon` and `/scid`: the raw argument text is evaluated once here, in the caller, as
    /// any command's is; the host picks the connections; the command then runs on each,
    /// evaluated again, in the calling frame (so it sees the caller's local variables).
    fn relay(&mut self, name: &str, raw: &str, host: &mut dyn Host) -> Result<(), IntrinsicError> {
        let text = self.eval_text(raw, host).map_err(IntrinsicError::Run)?;
        let relay = match host.connections(name, &text.as_str()) {
            Some(Ok(r)) => r,
            Some(Err(e)) => return Err(IntrinsicError::Kind(RunErrorKind::Command(e))),
            None => {
                return Err(IntrinsicError::Kind(RunErrorKind::Command(format!(
                    "/{name}: not available here"
                ))))
            }
        };
        for cid in relay.targets {
            let back = host.switch_connection(cid);
            let r = self.run_text(&relay.command, host);
            host.switch_connection(back);
            r.map_err(IntrinsicError::Run)?;
        }
        Ok(())
    }

    /// Runs `line` as commands in the current frame: its `%vars` and `$1-` are the caller's.
    pub fn run_text(&mut self, line: &str, host: &mut dyn Host) -> Result<(), RunError> {
        let dynamic = |kind| RunError {
            kind,
            file: None,
            line: 0,
            col: 0,
            place: "command".to_string(),
        };
        // Statement chunks share the cache with `eval_text`'s word chunks: a key of their own.
        let key = format!("\u{1}{line}");
        let idx = match self.dyn_cache.get(&key) {
            Some(&i) => i,
            None => {
                let stmts = rustirc_syntax::parse_statements(line)
                    .map_err(|e| dynamic(RunErrorKind::DynamicSyntax(e)))?;
                let chunk = rustirc_compiler::Compiler::compile_dynamic_stmts(
                    "command",
                    &stmts,
                    rustirc_compiler::Options { record_v1v2: true },
                )
                .map_err(|e| dynamic(RunErrorKind::DynamicSyntax(e.message)))?;
                let script = self
                    .last_frame()
                    .map_or(0, |f| self.chunks[f.chunk as usize].script);
                let i = self.add_chunk(chunk, script);
                if self.dyn_cache.len() > 4096 {
                    self.dyn_cache.clear();
                }
                self.dyn_cache.insert(key, i);
                i
            }
        };
        self.run_nested(idx, Vec::new(), host).map(|_| ())
    }

    /// Runs chunk `idx` to completion inside the current run and returns its value.
    fn run_nested(
        &mut self,
        idx: usize,
        params: Vec<Value>,
        host: &mut dyn Host,
    ) -> Result<Value, RunError> {
        let stop = self.depth;
        self.push_frame(idx, params, Ret::Top, false, None, false, None)?;
        self.nested += 1;
        let r = self.run(host, stop);
        self.nested -= 1;
        match r {
            Ok(Some(o)) => Ok(o.value),
            Ok(None) => Ok(Value::Null),
            Err(e) => {
                self.cut_frames(stop);
                Err(e)
            }
        }
    }

    // ----------------------------------------------------------------- variables

    /// Reads `%name`: the owning frame's locals (slots, then dynamic), then globals.
    pub fn read_var(&self, name: &str) -> Value {
        if let Some(f) = self.last_frame() {
            let owner = &self.frames[f.owner as usize];
            let chunk = &self.chunks[owner.chunk as usize].chunk;
            for (n, slot) in &chunk.locals {
                if *slot < 64 && owner.declared & (1 << slot) != 0 && n.eq_ignore_ascii_case(name) {
                    return self.regs[owner.base as usize + *slot as usize].clone();
                }
            }
            for (n, v) in owner.dyn_locals() {
                if n.eq_ignore_ascii_case(name) {
                    return v.clone();
                }
            }
        }
        self.st.globals.get(name).cloned().unwrap_or_default()
    }

    fn local_slot(&self, owner: usize, name: &str) -> Option<u16> {
        let f = &self.frames[owner];
        self.chunks[f.chunk as usize]
            .chunk
            .locals
            .iter()
            .find(|(n, s)| *s < 64 && n.eq_ignore_ascii_case(name))
            .map(|(_, s)| *s)
    }

    fn write_var(&mut self, name: &str, v: Value, scope: VarScope) {
        let Some(fi) = self.depth.checked_sub(1) else {
            self.st.globals.set(name, v);
            return;
        };
        let owner = self.frames[fi].owner as usize;
        match scope {
            VarScope::Global => self.st.globals.set(name, v),
            VarScope::Local | VarScope::Assign | VarScope::Update => {
                if let Some(slot) = self.local_slot(owner, name) {
                    let bit = 1u64 << slot;
                    if scope == VarScope::Local || self.frames[owner].declared & bit != 0 {
                        self.frames[owner].declared |= bit;
                        let b = self.frames[owner].base as usize;
                        self.regs[b + slot as usize] = v;
                        return;
                    }
                }
                if let Some(e) = self.frames[owner]
                    .cold
                    .iter_mut()
                    .flat_map(|c| c.dyn_locals.iter_mut())
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                {
                    e.1 = v;
                    return;
                }
                if scope == VarScope::Local {
                    self.frames[owner]
                        .cold_mut()
                        .dyn_locals
                        .push((name.into(), v));
                } else if scope == VarScope::Update {
                    self.st.globals.update(name, v);
                } else {
                    self.st.globals.set(name, v);
                }
            }
        }
    }

    /// Whether the running frame has a local `%name`.
    fn local_exists(&self, name: &str) -> bool {
        let Some(fi) = self.depth.checked_sub(1) else {
            return false;
        };
        let owner = self.frames[fi].owner as usize;
        if let Some(slot) = self.local_slot(owner, name) {
            if self.frames[owner].declared & (1 << slot) != 0 {
                return true;
            }
        }
        self.frames[owner]
            .dyn_locals()
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    fn unset_var(&mut self, name: &str) {
        if name.contains(['*', '?']) {
            let names = self
                .st
                .globals
                .names_matching(|n| crate::wild::wildmatch(name, n, false));
            for n in names {
                self.st.globals.unset(&n);
            }
            return;
        }
        if let Some(fi) = self.depth.checked_sub(1) {
            let owner = self.frames[fi].owner as usize;
            if let Some(slot) = self.local_slot(owner, name) {
                let bit = 1u64 << slot;
                if self.frames[owner].declared & bit != 0 {
                    self.frames[owner].declared &= !bit;
                    let b = self.frames[owner].base as usize;
                    self.regs[b + slot as usize] = Value::Null;
                    return;
                }
            }
            if let Some(c) = self.frames[owner].cold.as_mut() {
                let d = &mut c.dyn_locals;
                if let Some(i) = d.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    d.remove(i);
                    return;
                }
            }
        }
        self.st.globals.unset(name);
    }

    // ----------------------------------------------------------------- intrinsics

    fn intrinsic(
        &mut self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
        host: &mut dyn Host,
    ) -> Result<Value, IntrinsicError> {
        match name {
            "var" => {
                // $var(mask, N): globals (and this frame's locals) matching the wildcard.
                let mask = args
                    .first()
                    .map(|v| v.as_str().trim_start_matches('%').to_string())
                    .unwrap_or_default();
                let mut names: Vec<(String, Value, bool)> = Vec::new();
                if let Some(f) = self.last_frame() {
                    let owner = &self.frames[f.owner as usize];
                    for (n, slot) in &self.chunks[owner.chunk as usize].chunk.locals {
                        if *slot < 64
                            && owner.declared & (1 << slot) != 0
                            && crate::wild::wildmatch(&mask, n, false)
                        {
                            names.push((
                                n.clone(),
                                self.regs[owner.base as usize + *slot as usize].clone(),
                                true,
                            ));
                        }
                    }
                }
                if let Some(f) = self.last_frame() {
                    for (n, v) in self.frames[f.owner as usize].dyn_locals() {
                        if crate::wild::wildmatch(&mask, n, false) {
                            names.push((n.to_string(), v.clone(), true));
                        }
                    }
                }
                for (n, v) in self.st.globals.iter() {
                    if crate::wild::wildmatch(&mask, n, false) {
                        names.push((n.to_string(), v.clone(), false));
                    }
                }
                let idx = args.get(1).map_or(1, Value::to_i64_lenient);
                if idx == 0 {
                    return Ok(Value::int(names.len() as i64));
                }
                let Some((n, v, local)) = usize::try_from(idx - 1).ok().and_then(|i| names.get(i))
                else {
                    return Ok(Value::Null);
                };
                Ok(match prop {
                    Some("value") => v.clone(),
                    Some("local") => Value::bool(*local),
                    Some("secs" | "unset") => {
                        // Seconds until a `set -uN` variable is unset; 0 without a timer.
                        let at = if *local {
                            None
                        } else {
                            self.st.globals.timer(n).and_then(|t| t.unset_at)
                        };
                        let now = host.now_ms();
                        Value::int(at.map_or(0, |at| secs_left(at, now)))
                    }
                    _ => Value::from_string(format!("%{n}")),
                })
            }
            "/set" => {
                // `set`/`var` with `-i -s -k -uN -z -e`: args are the name, the value and the
                // switches after `l` (local) or `g` (global).
                let name = arg_text(args, 0);
                let name = name.trim_start_matches('%');
                let v = args.get(1).cloned().unwrap_or_default();
                let flags = arg_text(args, 2);
                let local = flags.starts_with('l');
                if flags.contains('i') {
                    let exists = if local {
                        self.local_exists(name)
                    } else {
                        self.st.globals.get(name).is_some()
                    };
                    if exists {
                        return Ok(Value::Null);
                    }
                }
                self.st
                    .check_len(value_len(&v))
                    .map_err(IntrinsicError::Kind)?;
                if flags.contains('s') {
                    host.echo("active", &format!("* Set %{name} to {}", v.as_str()));
                }
                if local {
                    self.write_var(name, v, VarScope::Local);
                } else if flags.contains('k') {
                    self.st.globals.update(name, v);
                } else {
                    self.st.globals.set(name, v);
                    let now = host.now_ms();
                    if let Some(t) = var_timer(&flags, now, 0.0) {
                        self.st.globals.set_timer(name, t);
                    }
                }
                Ok(Value::Null)
            }
            "/inc" => {
                // `inc`/`dec` with `-c -z -e -uN`: args are the name, the amount and the
                // switches (`-` last for `dec`).
                let name = arg_text(args, 0);
                let name = name.trim_start_matches('%');
                let by = args.get(1).cloned().unwrap_or_default();
                let flags = arg_text(args, 2);
                let by = if by.is_null() {
                    Value::Int(1)
                } else {
                    num_of(&by).unwrap_or(Value::Int(0))
                };
                let op = if flags.ends_with('-') {
                    rustirc_bytecode::ArithOp::Sub
                } else {
                    rustirc_bytecode::ArithOp::Add
                };
                let cur = self.read_var(name);
                let cur = if cur.is_null() {
                    Some(Value::Int(0))
                } else {
                    num_of(&cur)
                };
                if let Some(c) = cur {
                    let v = arith(op, &c, &by).unwrap_or(c);
                    self.write_var(name, v, VarScope::Update);
                    if !self.local_exists(name) {
                        let step = by.to_f64_lenient();
                        let step = if op == rustirc_bytecode::ArithOp::Sub {
                            -step
                        } else {
                            step
                        };
                        let now = host.now_ms();
                        if let Some(t) = var_timer(&flags, now, step) {
                            self.st.globals.set_timer(name, t);
                        }
                    }
                }
                Ok(Value::Null)
            }
            "isalias" => {
                // The alias a call from the running script reaches (its own file's first).
                let n = args
                    .first()
                    .map(|v| v.as_str().to_ascii_lowercase())
                    .unwrap_or_default();
                let found = self.find_alias(&n, self.running_script());
                let file = found.map(|c| self.chunks[c].script);
                Ok(match prop {
                    Some("fname") => file
                        .and_then(|f| self.script_names.get(f))
                        .map_or(Value::Null, Value::text),
                    Some("ftype") => file.map_or(Value::Null, |f| {
                        let alias_file = self.script_kinds.get(f).copied().flatten()
                            == Some(rustirc_syntax::source::FileKind::Aliases);
                        Value::text(if alias_file { "alias" } else { "remote" })
                    }),
                    _ => Value::bool(found.is_some()),
                })
            }
            "halted" => Ok(Value::bool(self.halt_default)),
            "error" => Ok(Value::Null),
            // The files folder stands for mIRC's own folder: `$mircdir\sounds\x.wav` and
            // `$scriptdir\data.ini` name files in it.
            "scriptdir" | "mircdir" | "logdir" | "getdir" | "mircini" => {
                Ok(self.st.files_root.as_ref().map_or(Value::Null, |p| {
                    let sub = match name {
                        "logdir" => "logs/",
                        "getdir" => "downloads/",
                        "mircini" => "mirc.ini",
                        _ => "",
                    };
                    Value::from_string(format!("{}/{sub}", p.display()))
                }))
            }
            "script" | "alias" if !args.is_empty() => {
                // `$script(N)` / `$alias(N)`: the Nth loaded remote / alias file, 0 counts;
                // `$script(file)`: the file if it is loaded (by path or by file name).
                let kind = if name == "script" {
                    rustirc_syntax::source::FileKind::Remote
                } else {
                    rustirc_syntax::source::FileKind::Aliases
                };
                let files: Vec<&String> = self
                    .script_names
                    .iter()
                    .zip(&self.script_kinds)
                    .filter(|(_, k)| **k == Some(kind))
                    .map(|(n, _)| n)
                    .collect();
                let a = args[0].as_str();
                if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) {
                    let n: usize = a.parse().unwrap_or(usize::MAX);
                    return Ok(if n == 0 {
                        Value::int(files.len() as i64)
                    } else {
                        files
                            .get(n - 1)
                            .map_or(Value::Null, |f| Value::text(f.as_str()))
                    });
                }
                let base = |f: &str| {
                    f.rsplit(['/', '\\'])
                        .next()
                        .unwrap_or(f)
                        .to_ascii_lowercase()
                };
                let want = a.to_ascii_lowercase();
                Ok(files
                    .iter()
                    .find(|f| f.eq_ignore_ascii_case(&want) || base(f) == base(&want))
                    .map_or(Value::Null, |f| Value::text(f.as_str())))
            }
            "script" => Ok(self
                .script_names
                .get(self.running_script())
                .map_or(Value::Null, Value::text)),
            "alias" => Ok(Value::Null),
            "scriptline" => Ok(Value::Null),
            "read" | "readini" => {
                // Read through the registry, then evaluate unless the `n` switch was given.
                let Some(id) = self.registry.ident_id(name) else {
                    return Err(IntrinsicError::Kind(RunErrorKind::UnknownIdent(
                        name.to_string(),
                    )));
                };
                let spec = *self.registry.ident(id);
                let a = Args {
                    name: spec.name,
                    vals: args,
                    prop,
                };
                let v = {
                    self.st.owner = self.owning_script();
                    let mut cx = Cx {
                        st: &mut self.st,
                        host,
                    };
                    (spec.run)(&mut cx, &a).map_err(IntrinsicError::Kind)?
                };
                let wants_eval = if name == "read" {
                    crate::registry::idents::file::read_wants_eval(args)
                } else {
                    args.len() < 4 || !args[1].as_str().contains('n')
                };
                if !wants_eval || v.is_null() {
                    Ok(v)
                } else {
                    self.eval_text(&v.as_str(), host)
                        .map_err(IntrinsicError::Run)
                }
            }
            "regsubex" => self.regsubex(args, host),
            "regsub" => {
                // $regsub([name,]text,re,subtext,%var): the count; the new text goes to %var.
                let (name, rest) = if args.len() >= 5 {
                    (Some(args[0].as_str().into_owned()), &args[1..])
                } else {
                    (None, args)
                };
                if rest.len() < 4 {
                    return Ok(Value::Null);
                }
                let (text, re, sub) = (
                    rest[0].as_str().into_owned(),
                    rest[1].as_str().into_owned(),
                    rest[2].as_str().into_owned(),
                );
                let var = rest[3].as_str().trim_start_matches('%').to_string();
                let (count, out) = crate::registry::idents::regex::regsub_apply(
                    &mut self.st,
                    name.as_deref(),
                    &text,
                    &re,
                    &sub,
                )
                .map_err(IntrinsicError::Kind)?;
                self.write_var(&var, Value::from_string(out), VarScope::Assign);
                Ok(Value::int(count))
            }
            other => Err(IntrinsicError::Kind(RunErrorKind::UnknownIdent(
                other.to_string(),
            ))),
        }
    }

    /// `$regsubex([name,]text,re,subtext)`: the substitution text is evaluated per match after
    /// its markers (`\1`…, `\0`, `\n`, `\t`, `\a`, `\A`) are replaced.
    fn regsubex(&mut self, args: &[Value], host: &mut dyn Host) -> Result<Value, IntrinsicError> {
        let (name, text, re, sub) = match args.len() {
            3 => (
                None,
                args[0].as_str().into_owned(),
                args[1].as_str().into_owned(),
                args[2].as_str().into_owned(),
            ),
            n if n >= 4 => (
                Some(args[0].as_str().into_owned()),
                args[1].as_str().into_owned(),
                args[2].as_str().into_owned(),
                args[3].as_str().into_owned(),
            ),
            _ => return Ok(Value::Null),
        };
        // Offsets refer to the subject (control codes stripped with the `S` flag).
        let text = crate::registry::idents::regex::regex_subject(&re, &text).into_owned();
        let matches = crate::registry::idents::regex::regex_matches(
            &mut self.st,
            name.as_deref(),
            &text,
            &re,
        )
        .map_err(IntrinsicError::Kind)?;
        let total = matches.len();
        let mut out = String::new();
        let mut last = 0;
        for (k, m) in matches.iter().enumerate() {
            out.push_str(&text[last..m.start]);
            let mut code = String::new();
            let b = sub.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'\\' && i + 1 < b.len() {
                    let c = b[i + 1];
                    let rep: Option<String> = match c {
                        b'0' => Some(total.to_string()),
                        b'n' => Some((k + 1).to_string()),
                        b't' => Some(
                            m.groups
                                .first()
                                .cloned()
                                .flatten()
                                .unwrap_or_else(|| m.text.clone()),
                        ),
                        b'a' | b'A' => Some(m.text.clone()),
                        b'1'..=b'9' => {
                            let g = usize::from(c - b'0');
                            Some(m.groups.get(g - 1).cloned().flatten().unwrap_or_default())
                        }
                        _ => None,
                    };
                    if let Some(r) = rep {
                        code.push_str(&r);
                        i += 2;
                        continue;
                    }
                }
                let ch = sub[i..].chars().next().unwrap_or(' ');
                code.push(ch);
                i += ch.len_utf8();
            }
            let v = self.eval_text(&code, host).map_err(IntrinsicError::Run)?;
            v.write_to(&mut out);
            last = m.end;
        }
        out.push_str(&text[last..]);
        Ok(Value::from_string(out))
    }
}

/// Argument `i` of an intrinsic as text.
fn arg_text(args: &[Value], i: usize) -> String {
    args.get(i)
        .map(|v| v.as_str().into_owned())
        .unwrap_or_default()
}

/// Whole seconds left until host time `at` (rounded up), 0 when it has passed.
pub fn secs_left(at: i64, now: i64) -> i64 {
    ((at - now).max(0) + 999) / 1000
}

/// The timer that `set`/`inc` switches give a global: `uN` unsets after N seconds (`u0` or
/// `u` when the run ends), `z` counts down to zero, `c` adds `step` every second, `e` unsets
/// on exit. `None` when the switches set no timer.
fn var_timer(flags: &str, now: i64, step: f64) -> Option<crate::state::VarTimer> {
    use crate::state::{VarStep, VarTimer};
    let mut t = VarTimer::default();
    let mut any = false;
    let mut chars = flags.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            'u' => {
                let mut n = String::new();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    n.push(d);
                }
                let secs: i64 = n.parse().unwrap_or(0);
                if secs == 0 {
                    t.end_of_run = true;
                } else {
                    t.unset_at = Some(now.saturating_add(secs.saturating_mul(1000)));
                }
                any = true;
            }
            'z' | 'c' => {
                t.step = Some(VarStep {
                    next_ms: now + 1000,
                    by: step,
                    to_zero: ch == 'z',
                });
                any = true;
            }
            'e' => {
                t.on_exit = true;
                any = true;
            }
            _ => {}
        }
    }
    any.then_some(t)
}

enum IntrinsicError {
    Run(RunError),
    Kind(RunErrorKind),
}

/// Constants become values. Text that is a canonical integer (`0`, `-12`, not `007` or `+1`)
/// becomes a typed number: it prints the same, and compares and adds without re-parsing.
fn const_value(c: &Const) -> Value {
    match c {
        Const::Str(s) => match crate::value::parse_plain_int(s) {
            Some(i) if i.to_string() == *s => Value::Int(i),
            _ => Value::text(s),
        },
        Const::Int(i) => Value::Int(*i),
        Const::Num(x) => Value::Num(*x),
    }
}

/// `inc` of a register holding a declared local: in place for exact integers.
#[inline(always)]
fn inc_in_place(slot: &mut Value) {
    if let Value::Int(i) = slot {
        if *i < crate::value::MAX_EXACT {
            *i += 1;
            return;
        }
    }
    inc_slow(slot);
}

#[cold]
#[inline(never)]
fn inc_slow(slot: &mut Value) {
    if let Some(n) = num_of(slot) {
        *slot = arith(rustirc_bytecode::ArithOp::Add, &n, &Value::Int(1)).unwrap_or(n);
    }
}

/// `x op y` when both are integers and the result is an exact integer; `None` sends the
/// operation to [`arith`] (doubles, division by zero, results beyond ±2^53).
#[inline(always)]
fn int_arith(op: rustirc_bytecode::ArithOp, x: i64, y: i64) -> Option<i64> {
    use rustirc_bytecode::ArithOp;
    let r = match op {
        ArithOp::Add => x.checked_add(y)?,
        ArithOp::Sub => x.checked_sub(y)?,
        ArithOp::Mul => x.checked_mul(y)?,
        ArithOp::Mod => x.checked_rem(y)?,
        ArithOp::Div | ArithOp::FloorDiv | ArithOp::Pow => return None,
    };
    (r.abs() <= crate::value::MAX_EXACT).then_some(r)
}

/// `*dst = src.clone()`, an integer without touching the old value's drop when it was one.
#[inline(always)]
fn copy_value(dst: &mut Value, src: &Value) {
    if let Value::Int(i) = src {
        set_int(dst, *i);
    } else {
        *dst = src.clone();
    }
}

/// [`arith`] out of line, for the cases the instructions' integer paths leave out.
#[inline(never)]
fn arith_value(op: rustirc_bytecode::ArithOp, a: &Value, b: &Value) -> Option<Value> {
    arith(op, a, b)
}

/// Stores an integer into a register, in place when it already holds one (no drop, one
/// store).
#[inline(always)]
fn set_int(slot: &mut Value, z: i64) {
    if let Value::Int(d) = slot {
        *d = z;
    } else {
        *slot = Value::Int(z);
    }
}

/// For each comparison operator, the orderings of two integers that make it true (bit 0 less,
/// bit 1 equal, bit 2 greater); 0 when integers alone do not decide it.
const CMP_MASKS: [u8; 32] = {
    use rustirc_bytecode::Cmp;
    let mut m = [0u8; 32];
    m[Cmp::Lt as usize] = 0b001;
    m[Cmp::Le as usize] = 0b011;
    m[Cmp::Eq as usize] = 0b010;
    m[Cmp::Ge as usize] = 0b110;
    m[Cmp::Gt as usize] = 0b100;
    m
};

/// A comparison of two integers, for the operators where that is the whole answer.
/// Branch-free: the operator picks its set of orderings, the operands pick one ordering.
#[inline(always)]
fn int_cmp(cmp: rustirc_bytecode::Cmp, x: i64, y: i64) -> Option<bool> {
    let mask = CMP_MASKS[cmp as usize & 31];
    let ordering = 1u8 << (u8::from(x >= y) + u8::from(x > y));
    (mask != 0).then_some(mask & ordering != 0)
}

fn value_len(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        _ => 0,
    }
}

/// Joins values with single spaces, skipping empty ones.
pub fn join_values(vals: &[Value]) -> Value {
    if vals.len() == 1 {
        return vals[0].clone();
    }
    let mut s = String::with_capacity(vals.iter().map(|v| v.len_hint() + 1).sum());
    for v in vals {
        if v.is_null() {
            continue;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        v.write_to(&mut s);
    }
    Value::from_string(s)
}

/// `return` collapses runs of spaces and trims; numbers pass unchanged.
fn collapse_spaces(v: Value) -> Value {
    match &v {
        Value::Str(s) if s.starts_with(' ') || s.ends_with(' ') || s.contains("  ") => {
            Value::from_string(
                s.split(' ')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
        _ => v,
    }
}

/// `/echo [colour] [-switches] [window] text`.
fn echo(words: &[Value], show: bool, host: &mut dyn Host) -> RunResult<()> {
    let text = join_values(words).as_str().into_owned();
    let mut rest = text.as_str();
    let mut window = None;
    let mut switches = String::new();
    // An optional colour number first.
    if let Some((first, tail)) = rest.split_once(' ') {
        if first.len() <= 2 && first.bytes().all(|b| b.is_ascii_digit()) {
            rest = tail;
        }
    }
    if rest.starts_with('-') {
        let (sw, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        switches = sw[1..].to_string();
        rest = tail;
        if switches.contains('c') {
            // `-c name`: a colour name follows.
            rest = rest.split_once(' ').map_or("", |(_, t)| t);
        }
    }
    if switches.contains('a') {
        window = Some("active".to_string());
    } else if switches.contains('s') {
        window = Some("status".to_string());
    } else if switches.contains('d') {
        window = Some("single".to_string());
    } else if rest.starts_with(['#', '@', '=']) {
        let (w, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        window = Some(w.to_string());
        rest = tail;
    } else if let Some((w, tail)) = rest.split_once(' ') {
        // A nick whose query window is open.
        if host.is_window(w) {
            window = Some(w.to_string());
            rest = tail;
        }
    }
    if rest.is_empty() {
        return Err(RunErrorKind::Command(
            "/echo: insufficient parameters".to_string(),
        ));
    }
    if !show && switches.contains('q') {
        return Ok(());
    }
    host.echo(window.as_deref().unwrap_or("active"), rest);
    Ok(())
}
