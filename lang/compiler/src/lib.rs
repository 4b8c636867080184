//! `rustirc-compiler`: mSL AST to register bytecode.
//!
//! One [`Chunk`] per alias or event body, and one per piece of dynamic text. The compiler
//! resolves what it can ahead of time: local variables become registers, literal text becomes
//! constants, `$calc` with a literal shape becomes arithmetic guarded by a numeric check,
//! `while` conditions become one fused compare-and-branch at the loop's back edge. Names of
//! identifiers and commands go to link slots that the VM fills at link time, so this crate never
//! sees the registry or the VM.

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use rustirc_bytecode::{
    ArithOp, Chunk, Cmp, Const, ConstId, FrameInfo, LinkId, NameId, Op, Pc, Reg, VarScope,
};
use rustirc_syntax::ast::{
    CmpOp, Command, Condition, DynPiece, IdentCall, IdentMode, Part, Span, Stmt, Word, Words,
};

/// Compile options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Record `$v1`/`$v2` after every comparison (needed when the script reads them).
    pub record_v1v2: bool,
}

/// A compile error: a compiler limit, never a parse problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// Where.
    pub span: Span,
    /// What.
    pub message: String,
}

/// Identifiers the compiler turns into instructions of their own (see `Compiler::ident_to`):
/// they never reach an alias, the registry or the host.
pub const COMPILED_IDENTS: &[&str] = &[
    "calc",
    "iif",
    "eval",
    "evalnext",
    "+",
    "null",
    "true",
    "false",
    "v1",
    "v2",
    "ifmatch",
    "ifmatch2",
    "isid",
    "prop",
    "show",
    "result",
    "parms",
    "eventparms",
];

/// Commands the compiler turns into instructions of their own (see `Compiler::command_line`).
pub const COMPILED_COMMANDS: &[&str] = &[
    "var",
    "set",
    "inc",
    "dec",
    "unset",
    "return",
    "returnex",
    "halt",
    "haltdef",
    "break",
    "continue",
    "goto",
    "echo",
    "tokenize",
    "noop",
    "reseterror",
];

/// Statement keywords: the grammar reads them, so they are neither commands nor aliases.
pub const KEYWORDS: &[&str] = &["if", "elseif", "else", "while"];

/// Identifiers the VM implements itself because they need frames, variables or evaluation.
pub const INTRINSIC_IDENTS: &[&str] = &[
    "regsubex",
    "regsub",
    "var",
    "read",
    "readini",
    "isalias",
    "halted",
    "error",
    "scriptdir",
    "mircdir",
    "mircini",
    "logdir",
    "getdir",
    "script",
    "scriptline",
    "alias",
];

/// Commands the VM implements itself.
pub const INTRINSIC_COMMANDS: &[&str] = &[
    "timer", "timers", "signal", "scon", "scid", "load", "unload", "reload", "enable", "disable",
    "alias",
];

const NO_SLOT: Reg = u16::MAX;
/// First provisional constant register (see [`Compiler::const_reg`]).
const CONST_BASE: Reg = 61_000;
/// Provisional register of `$1`; `$n` is `PARAM_BASE + n - 1` (see [`Compiler::param_reg`]).
const PARAM_BASE: Reg = 64_000;
/// Parameters `$1..=$MAX_PARAM_REGS` of an alias or event read registers; higher ones are
/// loaded.
const MAX_PARAM_REGS: u16 = 16;
const NO_NAME: NameId = u32::MAX;

struct Loop {
    cond_pc_patches: Vec<usize>,
    exit_patches: Vec<usize>,
}

/// Code moved out of line, after the chunk's final return (a `$calc` fallback), so the common
/// path runs straight on without a jump over it.
struct Deferred {
    code: Vec<Op>,
    /// Position entries inside the block: `(pc relative to the block, offset)`.
    positions: Vec<(Pc, u32)>,
    /// The source offset in effect where the block was compiled.
    entry_offset: Option<u32>,
    /// Instructions of the main code whose failure target is the block.
    entries: Vec<usize>,
    /// Where the main code continues after the block.
    resume: Pc,
}

/// Compiles alias/event bodies and dynamic text.
pub struct Compiler {
    chunk: Chunk,
    opts: Options,
    top: Reg,
    max: Reg,
    const_index: HashMap<String, ConstId>,
    name_index: HashMap<String, NameId>,
    ident_link_index: HashMap<String, LinkId>,
    command_link_index: HashMap<String, LinkId>,
    /// Local name → register.
    locals: HashMap<String, Reg>,
    /// Locals declared by a top-level `var` already compiled (definitely declared from here on).
    declared: FxHashSet<String>,
    /// True when the body uses `goto` (declaration order is then unknown).
    has_goto: bool,
    loops: Vec<Loop>,
    label_patches: Vec<(usize, String, Span)>,
    const_regs: HashMap<String, Reg>,
    depth: u32,
    deferred: Vec<Deferred>,
    /// True when `$1…` of this chunk are its own (not dynamic text run in a caller's frame).
    own_params: bool,
    /// Parameter registers used: `$1..=params`.
    params: u16,
    /// `[ ]` groups of the command line being compiled, already evaluated: the part's
    /// address → its register (see [`Compiler::command`]).
    hoisted: HashMap<usize, Reg>,
}

impl Compiler {
    fn new(name: &str, opts: Options) -> Compiler {
        Compiler {
            chunk: Chunk {
                name: name.to_string(),
                ..Chunk::default()
            },
            opts,
            top: 0,
            max: 0,
            const_index: HashMap::default(),
            name_index: HashMap::default(),
            ident_link_index: HashMap::default(),
            command_link_index: HashMap::default(),
            locals: HashMap::default(),
            declared: FxHashSet::default(),
            has_goto: false,
            loops: Vec::new(),
            label_patches: Vec::new(),
            const_regs: HashMap::default(),
            depth: 0,
            deferred: Vec::new(),
            own_params: false,
            params: 0,
            hoisted: HashMap::default(),
        }
    }

    /// Compiles an alias or event body.
    pub fn compile_body(name: &str, body: &[Stmt], opts: Options) -> Result<Chunk, CompileError> {
        let mut c = Compiler::new(name, opts);
        c.own_params = true;
        c.has_goto = contains_goto(body);
        let mut names = Vec::new();
        collect_locals(body, &mut names);
        for n in names {
            if c.locals.len() >= 200 {
                break;
            }
            if !c.locals.contains_key(&n) {
                let r = c.alloc()?;
                c.locals.insert(n.clone(), r);
                c.chunk.locals.push((n, r));
            }
        }
        c.block(body)?;
        c.emit(
            Op::Return {
                src: NO_SLOT,
                exact: false,
            },
            None,
        );
        c.finish()
    }

    /// Compiles text that evaluates to one value in the caller's frame (`$eval`, `[ ]`).
    pub fn compile_words(words: &Words, opts: Options) -> Result<Chunk, CompileError> {
        let mut c = Compiler::new("eval", opts);
        c.chunk.borrows_frame = true;
        let r = c.words(words)?;
        c.emit(
            Op::Return {
                src: r,
                exact: true,
            },
            None,
        );
        c.finish()
    }

    /// Compiles statements run in the caller's frame (a `/scon` command, an editbox line).
    pub fn compile_dynamic_stmts(
        name: &str,
        body: &[Stmt],
        opts: Options,
    ) -> Result<Chunk, CompileError> {
        let mut c = Compiler::new(name, opts);
        c.chunk.borrows_frame = true;
        c.has_goto = true;
        c.block(body)?;
        c.emit(
            Op::Return {
                src: NO_SLOT,
                exact: false,
            },
            None,
        );
        c.finish()
    }

    fn finish(mut self) -> Result<Chunk, CompileError> {
        for (at, label, span) in std::mem::take(&mut self.label_patches) {
            match self.chunk.labels.iter().find(|(n, _)| *n == label) {
                Some((_, pc)) => self.patch(at, *pc),
                None => {
                    return Err(CompileError {
                        span,
                        message: format!("/goto: '{label}' not found"),
                    });
                }
            }
        }
        // Out-of-line blocks go after the final return; each jumps back when done.
        for d in std::mem::take(&mut self.deferred) {
            let start = self.pc();
            if let Some(o) = d.entry_offset {
                if d.positions.first().is_none_or(|(p, _)| *p != 0) {
                    self.chunk.positions.push((start, o));
                }
            }
            for (p, o) in d.positions {
                self.chunk.positions.push((start + p, o));
            }
            self.chunk.code.extend(d.code);
            self.emit(Op::Resume { target: d.resume }, None);
            for e in d.entries {
                self.patch(e, start);
            }
        }
        // Place constant registers after the temporaries, parameter registers last.
        let base = self.max;
        let nconsts = u16::try_from(self.const_regs.len()).unwrap_or(0);
        let place = |r: Reg| {
            if (PARAM_BASE..NO_SLOT).contains(&r) {
                base + nconsts + (r - PARAM_BASE)
            } else if (CONST_BASE..NO_SLOT).contains(&r) {
                base + (r - CONST_BASE)
            } else {
                r
            }
        };
        for op in &mut self.chunk.code {
            op.map_regs(place);
        }
        for (r, _) in &mut self.chunk.prologue {
            *r = place(*r);
        }
        self.chunk.nregs = (base + nconsts + self.params).max(1);
        self.chunk.params = self.params;
        fuse_inc_loops(&mut self.chunk.code);
        Ok(self.chunk)
    }

    // ----------------------------------------------------------------- helpers

    fn alloc(&mut self) -> Result<Reg, CompileError> {
        let r = self.top;
        if r >= 60_000 {
            return Err(CompileError {
                span: Span::default(),
                message: "expression too large (register limit)".to_string(),
            });
        }
        self.top += 1;
        self.max = self.max.max(self.top);
        Ok(r)
    }

    fn alloc_n(&mut self, n: usize) -> Result<Reg, CompileError> {
        let start = self.top;
        for _ in 0..n {
            self.alloc()?;
        }
        Ok(start)
    }

    fn emit(&mut self, op: Op, span: Option<Span>) -> usize {
        let pc = self.chunk.code.len();
        if let Some(s) = span {
            let pc32 = u32::try_from(pc).unwrap_or(u32::MAX);
            if self
                .chunk
                .positions
                .last()
                .is_none_or(|(p, o)| *p != pc32 && *o != s.start)
            {
                self.chunk.positions.push((pc32, s.start));
            }
        }
        self.chunk.code.push(op);
        pc
    }

    fn pc(&self) -> Pc {
        u32::try_from(self.chunk.code.len()).unwrap_or(u32::MAX)
    }

    /// Moves the code from `start` to the end out of line (see [`Deferred`]); `entries` are
    /// the instructions that branch to it. The block must hold no jumps of its own.
    fn defer_from(&mut self, start: usize, entries: Vec<usize>) {
        let code: Vec<Op> = self.chunk.code.drain(start..).collect();
        let start32 = u32::try_from(start).unwrap_or(u32::MAX);
        let split = self.chunk.positions.partition_point(|(p, _)| *p < start32);
        let entry_offset = self.chunk.positions[..split].last().map(|(_, o)| *o);
        let positions = self
            .chunk
            .positions
            .drain(split..)
            .map(|(p, o)| (p - start32, o))
            .collect();
        self.deferred.push(Deferred {
            code,
            positions,
            entry_offset,
            entries,
            resume: start32,
        });
    }

    fn patch(&mut self, at: usize, target: Pc) {
        match &mut self.chunk.code[at] {
            Op::Jump { target: t }
            | Op::Loop { target: t }
            | Op::Resume { target: t }
            | Op::JumpCmp { target: t, .. }
            | Op::JumpCmpI { target: t, .. }
            | Op::JumpHostCmp { target: t, .. }
            | Op::JumpTruth { target: t, .. } => *t = target,
            Op::Arith { fail, .. }
            | Op::Add { fail, .. }
            | Op::Sub { fail, .. }
            | Op::Mul { fail, .. }
            | Op::Mod { fail, .. }
            | Op::AddI { fail, .. }
            | Op::SubI { fail, .. }
            | Op::MulI { fail, .. }
            | Op::ModI { fail, .. }
            | Op::Neg { fail, .. } => *fail = target,
            _ => {}
        }
    }

    fn konst(&mut self, c: Const) -> ConstId {
        // A chunk's constants are distinct. Most chunks have a few: those are searched in
        // place; past `KONST_SCAN` an index keyed by kind and text takes over.
        const KONST_SCAN: usize = 32;
        let n = self.chunk.consts.len();
        if n < KONST_SCAN {
            if let Some(i) = self.chunk.consts.iter().position(|x| same_const(x, &c)) {
                return u32::try_from(i).unwrap_or(u32::MAX);
            }
        } else {
            for (i, x) in self
                .chunk
                .consts
                .iter()
                .enumerate()
                .skip(self.const_index.len())
            {
                self.const_index
                    .insert(const_key(x), u32::try_from(i).unwrap_or(u32::MAX));
            }
            if let Some(&k) = self.const_index.get(&const_key(&c)) {
                return k;
            }
        }
        let k = u32::try_from(n).unwrap_or(u32::MAX);
        self.chunk.consts.push(c);
        k
    }

    fn name(&mut self, n: &str) -> NameId {
        if let Some(&k) = self.name_index.get(n) {
            return k;
        }
        let k = u32::try_from(self.chunk.names.len()).unwrap_or(u32::MAX);
        self.chunk.names.push(n.to_string());
        self.name_index.insert(n.to_string(), k);
        k
    }

    fn ident_link(&mut self, n: &str) -> LinkId {
        if let Some(&k) = self.ident_link_index.get(n) {
            return k;
        }
        let k = u32::try_from(self.chunk.ident_links.len()).unwrap_or(u32::MAX);
        self.chunk.ident_links.push(n.to_string());
        self.ident_link_index.insert(n.to_string(), k);
        k
    }

    fn command_link(&mut self, n: &str) -> LinkId {
        if let Some(&k) = self.command_link_index.get(n) {
            return k;
        }
        let k = u32::try_from(self.chunk.command_links.len()).unwrap_or(u32::MAX);
        self.chunk.command_links.push(n.to_string());
        self.command_link_index.insert(n.to_string(), k);
        k
    }

    fn load_str(&mut self, s: &str) -> Result<Reg, CompileError> {
        let r = self.alloc()?;
        let k = self.konst(Const::Str(s.to_string()));
        self.emit(Op::LoadK { dst: r, k }, None);
        Ok(r)
    }

    /// A register holding a numeric constant, loaded once on frame entry. Constant registers
    /// get provisional numbers from [`CONST_BASE`] and are placed after the temporaries when
    /// the chunk is finished.
    fn const_reg(&mut self, text: &str) -> Result<Reg, CompileError> {
        if let Some(&r) = self.const_regs.get(text) {
            return Ok(r);
        }
        let r = CONST_BASE + u16::try_from(self.const_regs.len()).unwrap_or(0);
        let c = match text.parse::<i64>() {
            Ok(i) if i.abs() < (1 << 53) => Const::Int(i),
            _ => Const::Num(text.parse::<f64>().unwrap_or(0.0)),
        };
        let k = self.konst(c);
        self.chunk.prologue.push((r, k));
        self.const_regs.insert(text.to_string(), r);
        Ok(r)
    }

    /// The register of parameter `$n` (1-based, at most [`MAX_PARAM_REGS`]); placed at the end
    /// of the frame when the chunk is finished.
    fn param_reg(&mut self, n: u32) -> Reg {
        let n = u16::try_from(n)
            .unwrap_or(MAX_PARAM_REGS)
            .min(MAX_PARAM_REGS);
        self.params = self.params.max(n);
        PARAM_BASE + n - 1
    }

    // ----------------------------------------------------------------- statements

    fn block(&mut self, body: &[Stmt]) -> Result<(), CompileError> {
        for s in body {
            let save = self.top;
            self.stmt(s)?;
            self.top = save.max(self.reserved_top());
        }
        Ok(())
    }

    fn reserved_top(&self) -> Reg {
        // Locals stay reserved.
        self.chunk
            .locals
            .iter()
            .map(|(_, r)| r + 1)
            .max()
            .unwrap_or(0)
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), CompileError> {
        match s {
            Stmt::Command(c) => self.command(c),
            Stmt::Block(b) => {
                self.depth += 1;
                let r = self.block(b);
                self.depth -= 1;
                r
            }
            Stmt::Label(name, _) => {
                let pc = self.pc();
                self.chunk.labels.push((name.clone(), pc));
                Ok(())
            }
            Stmt::If {
                arms,
                otherwise,
                span,
            } => {
                let mut end_patches = Vec::new();
                self.depth += 1;
                for (cond, body) in arms {
                    let false_patches = self.cond_jump(cond, false, *span)?;
                    self.block(body)?;
                    end_patches.push(self.emit(Op::Jump { target: 0 }, None));
                    let here = self.pc();
                    for p in false_patches {
                        self.patch(p, here);
                    }
                }
                if let Some(b) = otherwise {
                    self.block(b)?;
                }
                self.depth -= 1;
                let here = self.pc();
                for p in end_patches {
                    self.patch(p, here);
                }
                Ok(())
            }
            Stmt::While { cond, body, span } => {
                // Rotated loop: jump to the condition at the bottom, which branches back.
                self.depth += 1;
                let to_cond = self.emit(Op::Jump { target: 0 }, Some(*span));
                let body_pc = self.pc();
                self.loops.push(Loop {
                    cond_pc_patches: Vec::new(),
                    exit_patches: Vec::new(),
                });
                self.block(body)?;
                let cond_pc = self.pc();
                self.patch(to_cond, cond_pc);
                let save = self.top;
                let true_patches = self.cond_jump(cond, true, *span)?;
                self.top = save;
                for p in true_patches {
                    self.patch(p, body_pc);
                }
                let exit = self.pc();
                let l = self.loops.pop().expect("loop");
                for p in l.cond_pc_patches {
                    self.patch(p, cond_pc);
                }
                for p in l.exit_patches {
                    self.patch(p, exit);
                }
                self.depth -= 1;
                Ok(())
            }
        }
    }

    /// A comparison operand. A literal integer in canonical form (`10`, `-3`) lives in a
    /// constant register loaded on frame entry, so a loop test costs no load per iteration.
    fn operand(&mut self, w: &Words) -> Result<Reg, CompileError> {
        if let [word] = w.words.as_slice() {
            if let [Part::Lit(t)] = word.parts.as_slice() {
                if t.parse::<i64>()
                    .is_ok_and(|i| i.abs() < (1 << 53) && i.to_string() == *t)
                {
                    return self.const_reg(t);
                }
            }
        }
        self.words(w)
    }

    /// Emits a jump taken when `cond` evaluates to `when`; returns the jumps to patch.
    fn cond_jump(
        &mut self,
        cond: &Condition,
        when: bool,
        span: Span,
    ) -> Result<Vec<usize>, CompileError> {
        match cond {
            Condition::And(a, b) => {
                if when {
                    // Jump if both true: skip when a is false.
                    let a_false = self.cond_jump(a, false, span)?;
                    let b_true = self.cond_jump(b, true, span)?;
                    let here = self.pc();
                    for p in a_false {
                        self.patch(p, here);
                    }
                    Ok(b_true)
                } else {
                    let mut out = self.cond_jump(a, false, span)?;
                    out.extend(self.cond_jump(b, false, span)?);
                    Ok(out)
                }
            }
            Condition::Or(a, b) => {
                if when {
                    let mut out = self.cond_jump(a, true, span)?;
                    out.extend(self.cond_jump(b, true, span)?);
                    Ok(out)
                } else {
                    let a_true = self.cond_jump(a, true, span)?;
                    let b_false = self.cond_jump(b, false, span)?;
                    let here = self.pc();
                    for p in a_true {
                        self.patch(p, here);
                    }
                    Ok(b_false)
                }
            }
            Condition::Not(inner) => self.cond_jump(inner, !when, span),
            Condition::Truth { value, negate } => {
                if !self.opts.record_v1v2 {
                    // `while (1)`, `if (0)`: a literal integer's truth is known now.
                    if let Some(truth) = literal_imm(value).map(|i| i != 0) {
                        return Ok(if truth ^ negate == when {
                            vec![self.emit(Op::Jump { target: 0 }, Some(span))]
                        } else {
                            Vec::new()
                        });
                    }
                }
                let r = self.words(value)?;
                let record = self.opts.record_v1v2;
                Ok(vec![self.emit(
                    Op::JumpTruth {
                        src: r,
                        when: when ^ negate,
                        record,
                        target: 0,
                    },
                    Some(span),
                )])
            }
            Condition::Cmp {
                left,
                op,
                right,
                negate,
            } => {
                let a = self.operand(left)?;
                let record = self.opts.record_v1v2;
                // A numeric comparison with an integer literal takes it as an immediate.
                let int_cmp = match op {
                    CmpOp::Lt => Some(Cmp::Lt),
                    CmpOp::Le => Some(Cmp::Le),
                    CmpOp::Gt => Some(Cmp::Gt),
                    CmpOp::Ge => Some(Cmp::Ge),
                    CmpOp::Eq => Some(Cmp::Eq),
                    _ => None,
                };
                if let (Some(cmp), Some(imm)) = (int_cmp, literal_imm(right)) {
                    return Ok(vec![self.emit(
                        Op::JumpCmpI {
                            cmp,
                            a,
                            when: when ^ negate,
                            record,
                            imm,
                            target: 0,
                        },
                        Some(span),
                    )]);
                }
                let b = self.operand(right)?;
                if let CmpOp::Host(n) = op {
                    let name = self.name(n);
                    return Ok(vec![self.emit(
                        Op::JumpHostCmp {
                            when: when ^ negate,
                            a,
                            b,
                            record,
                            name,
                            target: 0,
                        },
                        Some(span),
                    )]);
                }
                let cmp = match op {
                    CmpOp::Eq => Cmp::Eq,
                    CmpOp::EqCs => Cmp::EqCs,
                    CmpOp::Lt => Cmp::Lt,
                    CmpOp::Gt => Cmp::Gt,
                    CmpOp::Le => Cmp::Le,
                    CmpOp::Ge => Cmp::Ge,
                    CmpOp::Divides => Cmp::Divides,
                    CmpOp::NotDivides => Cmp::NotDivides,
                    CmpOp::BitAnd => Cmp::BitAnd,
                    CmpOp::IsIn => Cmp::IsIn,
                    CmpOp::IsInCs => Cmp::IsInCs,
                    CmpOp::IsWm => Cmp::IsWm,
                    CmpOp::IsWmCs => Cmp::IsWmCs,
                    CmpOp::IsNum => Cmp::IsNum,
                    CmpOp::IsLetter => Cmp::IsLetter,
                    CmpOp::IsAlnum => Cmp::IsAlnum,
                    CmpOp::IsAlpha => Cmp::IsAlpha,
                    CmpOp::IsLower => Cmp::IsLower,
                    CmpOp::IsUpper => Cmp::IsUpper,
                    CmpOp::Host(_) => unreachable!("host comparisons handled above"),
                };
                Ok(vec![self.emit(
                    Op::JumpCmp {
                        cmp,
                        a,
                        b,
                        when: when ^ negate,
                        record,
                        target: 0,
                    },
                    Some(span),
                )])
            }
        }
    }

    /// A command line. Its `[ ]` groups are evaluated first, left to right and inner groups
    /// first, then the rest of the line (mIRC: `$x(1) [ $x(2) ] $x(3)` runs 2, 1, 3), except
    /// for the variable commands, which build names from them.
    fn command(&mut self, c: &Command) -> Result<(), CompileError> {
        let hoist = !matches!(
            c.literal_name.as_deref(),
            Some("var" | "set" | "inc" | "dec" | "unset" | "scon" | "scid" | "tokenize" | "goto")
        ) && c.args.words.len() <= 250
            && std::iter::once(&c.name)
                .chain(&c.args.words)
                .any(|w| w.parts.iter().any(has_group));
        if !hoist {
            return self.command_line(c);
        }
        if c.literal_name.is_none() {
            self.hoist_parts(&c.name.parts)?;
        }
        for w in &c.args.words {
            self.hoist_parts(&w.parts)?;
        }
        let r = self.command_line(c);
        self.hoisted.clear();
        r
    }

    /// Evaluates the `[ ]` groups among `parts` (inner ones first) into registers that
    /// [`Self::part`] then uses.
    fn hoist_parts(&mut self, parts: &[Part]) -> Result<(), CompileError> {
        for p in parts {
            match p {
                Part::Bracket(inner, _) => {
                    for w in &inner.words {
                        self.hoist_parts(&w.parts)?;
                    }
                }
                Part::DynEval(pieces) | Part::DynCall(pieces) => {
                    for piece in pieces {
                        if let DynPiece::Eval(w) = piece {
                            self.hoist_parts(&w.parts)?;
                        }
                    }
                }
                Part::ChanPrefixed(inner) => {
                    self.hoist_parts(std::slice::from_ref(&**inner))?;
                    continue;
                }
                _ => continue,
            }
            if matches!(p, Part::DynCall(_)) {
                // The call itself runs in its place in the line.
                continue;
            }
            let r = self.part(p)?;
            let dst = self.alloc()?;
            self.emit(Op::Move { dst, src: r }, None);
            self.hoisted.insert(std::ptr::from_ref(p) as usize, dst);
        }
        Ok(())
    }

    fn command_line(&mut self, c: &Command) -> Result<(), CompileError> {
        let span = Some(c.span);
        // `%x = value`: assignment.
        if c.name.parts.len() == 1 {
            if let Part::Var(v) = &c.name.parts[0] {
                if c.args.words.first().and_then(Word::literal).as_deref() == Some("=") {
                    let rest = &c.args.words[1..];
                    let key = v.to_ascii_lowercase();
                    let direct = self.locals.get(&key).copied().filter(|_| {
                        self.declared.contains(&key) && !self.has_goto && rest.len() == 1
                    });
                    let val = match direct {
                        // A known-declared local takes the value straight into its register.
                        Some(slot) => {
                            self.word_into(&rest[0], slot)?;
                            slot
                        }
                        None => self.value_with_math(rest)?,
                    };
                    self.store(
                        &Word {
                            parts: vec![Part::Var(v.clone())],
                            span: c.name.span,
                        },
                        val,
                        VarScope::Assign,
                        c.span,
                    )?;
                    return Ok(());
                }
            }
        }
        let Some(name) = c.literal_name.clone() else {
            let n = self.word(&c.name)?;
            let (start, count) = self.arg_words(&c.args.words)?;
            self.emit(
                Op::RunCommandDyn {
                    name: n,
                    start,
                    n: count,
                    silent: c.silent,
                },
                span,
            );
            return Ok(());
        };
        let words = &c.args.words;
        match name.as_str() {
            "var" | "set" => return self.var_command(c, name == "var"),
            "inc" | "dec" => return self.inc_command(c, name == "dec"),
            "unset" => {
                let (start, count) = self.name_words(words)?;
                self.emit(Op::Unset { start, n: count }, span);
                return Ok(());
            }
            "return" | "returnex" => {
                let src = if words.is_empty() {
                    NO_SLOT
                } else {
                    self.words(&c.args)?
                };
                self.emit(
                    Op::Return {
                        src,
                        exact: name == "returnex",
                    },
                    span,
                );
                return Ok(());
            }
            "halt" => {
                self.emit(Op::Halt, span);
                return Ok(());
            }
            "haltdef" => {
                self.emit(Op::HaltDef, span);
                return Ok(());
            }
            "break" | "continue" => {
                if self.loops.is_empty() {
                    return Err(CompileError {
                        span: c.span,
                        message: format!("/{name} outside a while loop"),
                    });
                }
                let at = self.emit(Op::Jump { target: 0 }, span);
                let l = self.loops.last_mut().expect("loop");
                if name == "break" {
                    l.exit_patches.push(at);
                } else {
                    l.cond_pc_patches.push(at);
                }
                return Ok(());
            }
            "goto" => {
                if let Some(label) = words
                    .first()
                    .and_then(Word::literal)
                    .filter(|_| words.len() == 1)
                {
                    let at = self.emit(Op::Jump { target: 0 }, span);
                    self.label_patches
                        .push((at, label.to_ascii_lowercase(), c.span));
                } else {
                    let r = self.words(&c.args)?;
                    self.emit(Op::GotoDyn { src: r }, span);
                }
                return Ok(());
            }
            "echo" => {
                let (start, count) = self.arg_words(words)?;
                self.emit(
                    Op::Echo {
                        start,
                        n: count,
                        silent: c.silent,
                        builtin: c.builtin_only,
                    },
                    span,
                );
                return Ok(());
            }
            "tokenize" => {
                let d = match words.first() {
                    Some(w) => self.word(w)?,
                    None => self.load_str("32")?,
                };
                let rest = Words {
                    words: words.iter().skip(1).cloned().collect(),
                    span: c.args.span,
                };
                let src = self.words(&rest)?;
                self.emit(Op::Tokenize { delim: d, src }, span);
                return Ok(());
            }
            "noop" | "reseterror" => {
                self.arg_words(words)?;
                return Ok(());
            }
            _ => {}
        }
        if INTRINSIC_COMMANDS.contains(&name.as_str()) || name.starts_with("timer") {
            // /scon and /scid keep their command text to evaluate later. A /timer line is
            // evaluated now like any command and its command text once more when it fires,
            // as in mIRC (hence `$!ident` or `$eval(…,0)` to delay an identifier).
            let (start, count) = if name == "scon" || name == "scid" {
                let s = self.load_str(&c.raw_args)?;
                (s, 1)
            } else {
                self.arg_words(words)?
            };
            let which = self.name(&name);
            self.emit(
                Op::IntrinsicCmd {
                    which,
                    start,
                    n: count,
                    silent: c.silent,
                    builtin: c.builtin_only,
                },
                span,
            );
            return Ok(());
        }
        let (start, count) = if name == "sockread" {
            // `/sockread [-fn] [numbytes] %var` fills the variable it names: pass the name.
            let mut named = words.to_vec();
            if let Some(last) = named.last_mut() {
                *last = var_name_word(last);
            }
            self.arg_words(&named)?
        } else {
            self.arg_words(words)?
        };
        let link = self.command_link(&if c.builtin_only {
            format!("!{name}")
        } else {
            name
        });
        self.emit(
            Op::RunCommand {
                link,
                start,
                n: count,
                silent: c.silent,
            },
            span,
        );
        Ok(())
    }

    /// Evaluates each word into consecutive registers.
    fn arg_words(&mut self, words: &[Word]) -> Result<(Reg, u8), CompileError> {
        if words.len() > 250 {
            // Very long lines: join the tail into one value.
            let r = self.words(&Words {
                words: words.to_vec(),
                span: Span::default(),
            })?;
            return Ok((r, 1));
        }
        let start = self.alloc_n(words.len())?;
        for (i, w) in words.iter().enumerate() {
            let save = self.top;
            self.word_into(w, start + u16::try_from(i).unwrap_or(0))?;
            self.top = save;
        }
        Ok((start, u8::try_from(words.len()).unwrap_or(u8::MAX)))
    }

    /// Like [`Self::arg_words`] for the names of `unset` (see [`unset_names`]).
    fn name_words(&mut self, words: &[Word]) -> Result<(Reg, u8), CompileError> {
        self.arg_words(&unset_names(words))
    }

    /// `value` words with the `a op b` arithmetic rule of `var`/`set`/`=`.
    fn value_with_math(&mut self, rest: &[Word]) -> Result<Reg, CompileError> {
        if rest.len() == 3 {
            if let Some(op) = rest[1].literal().as_deref().and_then(math_op) {
                let a = self.word(&rest[0])?;
                let b = self.word(&rest[2])?;
                let dst = self.alloc()?;
                self.emit(Op::MathOrText { dst, a, op, b }, None);
                return Ok(dst);
            }
        }
        if rest.is_empty() {
            return self.load_str("");
        }
        self.words(&Words {
            words: rest.to_vec(),
            span: Span::default(),
        })
    }

    /// Stores `val` into the variable named by `name` (a `%name` word, possibly built with
    /// `$+`).
    fn store(
        &mut self,
        name: &Word,
        val: Reg,
        scope: VarScope,
        span: Span,
    ) -> Result<(), CompileError> {
        let name = var_name_word(name);
        match name.literal() {
            Some(n) => {
                let n = n.trim_start_matches('%').to_string();
                let key = n.to_ascii_lowercase();
                let slot = match scope {
                    VarScope::Local | VarScope::Assign | VarScope::Update => {
                        self.locals.get(&key).copied().unwrap_or(NO_SLOT)
                    }
                    VarScope::Global => NO_SLOT,
                };
                if scope == VarScope::Local && slot != NO_SLOT && self.depth == 0 {
                    self.declared.insert(key.clone());
                }
                // A known-declared local is written directly.
                if slot != NO_SLOT
                    && scope == VarScope::Assign
                    && self.declared.contains(&key)
                    && !self.has_goto
                {
                    if val != slot {
                        self.emit(
                            Op::Move {
                                dst: slot,
                                src: val,
                            },
                            Some(span),
                        );
                    }
                    return Ok(());
                }
                let nid = self.name(&n);
                self.emit(
                    Op::StoreVar {
                        name: nid,
                        slot,
                        src: val,
                        scope,
                    },
                    Some(span),
                );
            }
            None => {
                let r = self.word(&name)?;
                self.emit(
                    Op::StoreVarDyn {
                        name_reg: r,
                        src: val,
                        scope,
                    },
                    Some(span),
                );
            }
        }
        Ok(())
    }

    // var [-switches] %a = 1, %b = 2, %c
    // set [-switches] %name value
    fn var_command(&mut self, c: &Command, is_var: bool) -> Result<(), CompileError> {
        let mut words: &[Word] = &c.args.words;
        let mut force_global = false;
        let mut no_math = false;
        // Switches the VM applies when storing (see `/set` in the VM's intrinsics).
        let mut flags = String::new();
        while let Some(sw) = words
            .first()
            .and_then(Word::literal)
            .filter(|w| w.starts_with('-') && w.len() > 1)
        {
            let letters = &sw[1..];
            if letters.contains('g') {
                force_global = true;
            }
            if letters.contains('n') || letters.contains('p') {
                no_math = true;
            }
            if letters.contains('l') && !is_var {
                force_global = false;
            }
            flags.push_str(&store_flags(letters, is_var));
            words = &words[1..];
        }
        let set_local = !is_var
            && c.args
                .words
                .first()
                .and_then(Word::literal)
                .is_some_and(|w| w.starts_with('-') && w.contains('l'));
        let scope = if (is_var && !force_global) || set_local {
            VarScope::Local
        } else {
            VarScope::Global
        };
        // Split assignments at words ending with ',' (var only).
        let mut groups: Vec<Vec<Word>> = vec![Vec::new()];
        for w in words {
            let mut w = w.clone();
            // A group ends at a word ending with `,`: a value (`%a = 1,`) or a bare name
            // (`var %a, %b`, read as the variable `a,`).
            let ends_comma = is_var
                && (matches!(w.parts.last(), Some(Part::Lit(t)) if t.ends_with(',') && !t.ends_with(",,"))
                    || matches!(w.parts.as_slice(), [Part::Var(n)] if n.ends_with(',')));
            if ends_comma {
                match w.parts.last_mut() {
                    Some(Part::Lit(t)) => {
                        t.pop();
                        if t.is_empty() {
                            w.parts.pop();
                        }
                    }
                    Some(Part::Var(n)) => {
                        n.pop();
                    }
                    _ => {}
                }
                if !w.parts.is_empty() {
                    groups.last_mut().expect("group").push(w);
                }
                groups.push(Vec::new());
            } else {
                groups.last_mut().expect("group").push(w);
            }
        }
        for g in groups {
            let Some((name, rest)) = g.split_first() else {
                continue;
            };
            let rest = if rest.first().and_then(Word::literal).as_deref() == Some("=") {
                &rest[1..]
            } else {
                rest
            };
            let val = if no_math {
                if rest.is_empty() {
                    self.load_str("")?
                } else {
                    self.words(&Words {
                        words: rest.to_vec(),
                        span: Span::default(),
                    })?
                }
            } else {
                self.value_with_math(rest)?
            };
            if flags.is_empty() {
                self.store(name, val, scope, c.span)?;
            } else {
                self.store_with_flags(name, val, scope, &flags, c.span)?;
            }
        }
        Ok(())
    }

    /// `set`/`var` with switches that decide at run time whether and how the value is stored
    /// (`-i`, `-k`, `-uN`, `-z`, `-e`): the VM's `/set` intrinsic stores it.
    fn store_with_flags(
        &mut self,
        name: &Word,
        val: Reg,
        scope: VarScope,
        flags: &str,
        span: Span,
    ) -> Result<(), CompileError> {
        let name = var_name_word(name);
        let start = self.alloc_n(3)?;
        let save = self.top;
        let r = self.word(&name)?;
        if r != start {
            self.emit(Op::Move { dst: start, src: r }, None);
        }
        self.top = save;
        self.emit(
            Op::Move {
                dst: start + 1,
                src: val,
            },
            None,
        );
        let local = scope == VarScope::Local;
        let k = self.konst(Const::Str(format!(
            "{}{flags}",
            if local { 'l' } else { 'g' }
        )));
        self.emit(Op::LoadK { dst: start + 2, k }, None);
        let dst = self.alloc()?;
        let which = self.name("/set");
        self.emit(
            Op::Intrinsic {
                dst,
                which,
                start,
                n: 3,
                prop: NO_NAME,
            },
            Some(span),
        );
        if let (true, Some(n)) = (local, name.literal()) {
            let key = n.trim_start_matches('%').to_ascii_lowercase();
            if self.locals.contains_key(&key) && self.depth == 0 {
                self.declared.insert(key);
            }
        }
        Ok(())
    }

    // inc [-switches] %var [value]
    fn inc_command(&mut self, c: &Command, neg: bool) -> Result<(), CompileError> {
        let mut words: &[Word] = &c.args.words;
        let mut flags = String::new();
        while let Some(sw) = words
            .first()
            .and_then(Word::literal)
            .filter(|w| w.starts_with('-') && w.len() > 1)
        {
            flags.push_str(&inc_flags(&sw[1..]));
            words = &words[1..];
        }
        if !flags.is_empty() {
            // With a timer switch, the VM's `/inc` intrinsic changes the value and sets the
            // timer, from the name and amount evaluated once.
            let Some((name, rest)) = words.split_first() else {
                return self.inc_plain(c, words, neg);
            };
            let start = self.alloc_n(3)?;
            let save = self.top;
            let r = self.word(&var_name_word(name))?;
            if r != start {
                self.emit(Op::Move { dst: start, src: r }, None);
            }
            self.top = save;
            self.words_into(
                &Words {
                    words: rest.to_vec(),
                    span: Span::default(),
                },
                start + 1,
            )?;
            self.top = save;
            if neg {
                flags.push('-');
            }
            let k = self.konst(Const::Str(flags));
            self.emit(Op::LoadK { dst: start + 2, k }, None);
            let dst = self.alloc()?;
            let which = self.name("/inc");
            self.emit(
                Op::Intrinsic {
                    dst,
                    which,
                    start,
                    n: 3,
                    prop: NO_NAME,
                },
                Some(c.span),
            );
            return Ok(());
        }
        self.inc_plain(c, words, neg)
    }

    /// `inc`/`dec` after the switches.
    fn inc_plain(&mut self, c: &Command, words: &[Word], neg: bool) -> Result<(), CompileError> {
        let Some((name, rest)) = words.split_first() else {
            return Err(CompileError {
                span: c.span,
                message: format!(
                    "/{}: insufficient parameters",
                    if neg { "dec" } else { "inc" }
                ),
            });
        };
        let name = var_name_word(name);
        if let Some(n) = name.literal() {
            let n = n.trim_start_matches('%').to_string();
            let key = n.to_ascii_lowercase();
            let slot = self.locals.get(&key).copied().unwrap_or(NO_SLOT);
            if rest.is_empty()
                && !neg
                && slot != NO_SLOT
                && self.declared.contains(&key)
                && !self.has_goto
            {
                self.emit(Op::IncReg { reg: slot }, Some(c.span));
                return Ok(());
            }
            let by = if rest.is_empty() {
                self.const_reg("1")?
            } else {
                self.words(&Words {
                    words: rest.to_vec(),
                    span: Span::default(),
                })?
            };
            let nid = self.name(&n);
            self.emit(
                Op::IncVar {
                    name: nid,
                    slot,
                    by,
                    neg,
                },
                Some(c.span),
            );
        } else {
            // Dynamic name: read, add, store.
            let nr = self.word(&name)?;
            let cur = self.alloc()?;
            self.emit(Op::LoadVarDyn { dst: cur, src: nr }, Some(c.span));
            let by = if rest.is_empty() {
                self.const_reg("1")?
            } else {
                self.words(&Words {
                    words: rest.to_vec(),
                    span: Span::default(),
                })?
            };
            let dst = self.alloc()?;
            self.emit(
                Op::MathOrText {
                    dst,
                    a: cur,
                    op: if neg { ArithOp::Sub } else { ArithOp::Add },
                    b: by,
                },
                None,
            );
            self.emit(
                Op::StoreVarDyn {
                    name_reg: nr,
                    src: dst,
                    scope: VarScope::Update,
                },
                None,
            );
        }
        Ok(())
    }

    // ----------------------------------------------------------------- expressions

    /// Evaluates words joined by spaces into a register.
    /// Compiles `w` so that its value ends in `want`. A literal, a `$calc` or an identifier
    /// call writes there directly; anything else is compiled to a temporary and moved.
    fn words_into(&mut self, w: &Words, want: Reg) -> Result<(), CompileError> {
        if let [word] = w.words.as_slice() {
            return self.word_into(word, want);
        }
        let r = self.words(w)?;
        if r != want {
            self.emit(Op::Move { dst: want, src: r }, None);
        }
        Ok(())
    }

    /// [`Self::words_into`] for one word.
    fn word_into(&mut self, w: &Word, want: Reg) -> Result<(), CompileError> {
        let r = match w.parts.as_slice() {
            [Part::Lit(t)] => {
                let k = self.konst(Const::Str(t.clone()));
                self.emit(Op::LoadK { dst: want, k }, None);
                want
            }
            [Part::Ident(call)] => self.ident_to(call, Some(want))?,
            _ => self.word(w)?,
        };
        if r != want {
            self.emit(Op::Move { dst: want, src: r }, None);
        }
        Ok(())
    }

    fn words(&mut self, w: &Words) -> Result<Reg, CompileError> {
        match w.words.len() {
            0 => self.load_str(""),
            1 => self.word(&w.words[0]),
            n => {
                let start = self.alloc_n(n)?;
                for (i, word) in w.words.iter().enumerate() {
                    let save = self.top;
                    let r = self.word(word)?;
                    let dst = start + u16::try_from(i).unwrap_or(0);
                    if r != dst {
                        self.emit(Op::Move { dst, src: r }, None);
                    }
                    self.top = save;
                }
                let dst = self.alloc()?;
                self.emit(
                    Op::JoinWords {
                        dst,
                        start,
                        n: u16::try_from(n).unwrap_or(u16::MAX),
                    },
                    None,
                );
                Ok(dst)
            }
        }
    }

    fn word(&mut self, w: &Word) -> Result<Reg, CompileError> {
        match w.parts.len() {
            0 => self.load_str(""),
            1 => self.part(&w.parts[0]),
            n => {
                let start = self.alloc_n(n)?;
                for (i, p) in w.parts.iter().enumerate() {
                    let save = self.top;
                    let r = self.part(p)?;
                    let dst = start + u16::try_from(i).unwrap_or(0);
                    if r != dst {
                        self.emit(Op::Move { dst, src: r }, None);
                    }
                    self.top = save;
                }
                let dst = self.alloc()?;
                self.emit(
                    Op::Concat {
                        dst,
                        start,
                        n: u16::try_from(n).unwrap_or(u16::MAX),
                    },
                    None,
                );
                Ok(dst)
            }
        }
    }

    fn part(&mut self, p: &Part) -> Result<Reg, CompileError> {
        if !self.hoisted.is_empty() {
            if let Some(&r) = self.hoisted.get(&(std::ptr::from_ref(p) as usize)) {
                return Ok(r);
            }
        }
        match p {
            Part::Lit(t) => self.load_str(t),
            Part::Var(name) => self.var(name),
            Part::Param {
                from,
                to: None,
                halt,
            } if self.own_params && (1..=u32::from(MAX_PARAM_REGS)).contains(from) => {
                let r = self.param_reg(*from);
                if *halt {
                    self.emit(Op::HaltIfNull { src: r }, None);
                }
                Ok(r)
            }
            Part::Param { from, to, halt } => {
                let dst = self.alloc()?;
                let from16 = u16::try_from(*from).unwrap_or(u16::MAX);
                match to {
                    None => self.emit(Op::LoadParam { dst, n: from16 }, None),
                    Some(None) => self.emit(
                        Op::LoadParamRange {
                            dst,
                            from: from16,
                            to: 0,
                        },
                        None,
                    ),
                    Some(Some(m)) => self.emit(
                        Op::LoadParamRange {
                            dst,
                            from: from16,
                            to: u16::try_from(*m).unwrap_or(u16::MAX).max(1),
                        },
                        None,
                    ),
                };
                if *halt {
                    self.emit(Op::HaltIfNull { src: dst }, None);
                }
                Ok(dst)
            }
            Part::Ident(call) => self.ident(call),
            Part::Chan => {
                let dst = self.alloc()?;
                let link = self.ident_link("chan");
                self.emit(
                    Op::CallIdent {
                        dst,
                        link,
                        start: dst,
                        n: 0,
                        prop: NO_NAME,
                    },
                    None,
                );
                Ok(dst)
            }
            Part::ChanPrefixed(inner) => {
                let src = self.part(inner)?;
                let dst = self.alloc()?;
                self.emit(Op::ChanPrefix { dst, src }, None);
                Ok(dst)
            }
            Part::Bracket(words, times) => {
                let mut r = self.words(words)?;
                for _ in 1..*times {
                    let dst = self.alloc()?;
                    self.emit(Op::EvalText { dst, src: r }, None);
                    r = dst;
                }
                Ok(r)
            }
            Part::DynEval(pieces) | Part::DynCall(pieces) => {
                let start = self.alloc_n(pieces.len())?;
                for (i, piece) in pieces.iter().enumerate() {
                    let save = self.top;
                    let r = match piece {
                        DynPiece::Lit(t) => self.load_str(t)?,
                        DynPiece::Eval(w) => self.word(w)?,
                    };
                    let dst = start + u16::try_from(i).unwrap_or(0);
                    if r != dst {
                        self.emit(Op::Move { dst, src: r }, None);
                    }
                    self.top = save;
                }
                let joined = self.alloc()?;
                self.emit(
                    Op::Concat {
                        dst: joined,
                        start,
                        n: u16::try_from(pieces.len()).unwrap_or(u16::MAX),
                    },
                    None,
                );
                let dst = self.alloc()?;
                self.emit(Op::EvalText { dst, src: joined }, None);
                Ok(dst)
            }
        }
    }

    fn var(&mut self, name: &str) -> Result<Reg, CompileError> {
        let key = name.to_ascii_lowercase();
        if let Some(&slot) = self.locals.get(&key) {
            if self.declared.contains(&key) && !self.has_goto {
                return Ok(slot);
            }
            let dst = self.alloc()?;
            let nid = self.name(name);
            self.emit(
                Op::LoadLocalChecked {
                    dst,
                    slot,
                    name: nid,
                },
                None,
            );
            return Ok(dst);
        }
        let dst = self.alloc()?;
        let nid = self.name(name);
        self.emit(Op::LoadVar { dst, name: nid }, None);
        Ok(dst)
    }

    fn ident(&mut self, call: &IdentCall) -> Result<Reg, CompileError> {
        self.ident_to(call, None)
    }

    /// Compiles an identifier call. Calls and `$calc` write their result into `want` when it
    /// is given; the other forms may return another register.
    fn ident_to(&mut self, call: &IdentCall, want: Option<Reg>) -> Result<Reg, CompileError> {
        let args = call.args.as_deref().unwrap_or(&[]);
        let r = match (call.name.as_str(), call.mode) {
            (_, IdentMode::CustomOnly) => self.call_link(call, args, want)?,
            ("calc", m) if m != IdentMode::CustomOnly && args.len() == 1 => {
                self.calc(&args[0], call, want)?
            }
            ("iif", _) if call.condition.is_some() => {
                let dst = self.alloc()?;
                let cond = call.condition.as_deref().expect("condition");
                let false_patches = self.cond_jump(cond, false, call.span)?;
                let save = self.top;
                let t = match args.get(1) {
                    Some(w) => self.words(w)?,
                    None => self.load_str("")?,
                };
                self.emit(Op::Move { dst, src: t }, None);
                self.top = save;
                let end = self.emit(Op::Jump { target: 0 }, None);
                let here = self.pc();
                for p in false_patches {
                    self.patch(p, here);
                }
                let f = match args.get(2) {
                    Some(w) => self.words(w)?,
                    None => self.load_str("")?,
                };
                self.emit(Op::Move { dst, src: f }, None);
                self.top = save;
                let here = self.pc();
                self.patch(end, here);
                dst
            }
            ("eval" | "evalnext", _) => {
                let first = match args.first() {
                    Some(w) => w,
                    None => return self.load_str(""),
                };
                let times_lit = if call.name == "evalnext" {
                    Some("2".to_string())
                } else {
                    args.get(1).map_or(Some("1".to_string()), |w| {
                        if w.words.len() == 1 {
                            w.words[0].literal()
                        } else {
                            None
                        }
                    })
                };
                match times_lit
                    .as_deref()
                    .map(|t| t.trim().parse::<i64>().unwrap_or(0))
                {
                    Some(0) => self.load_str(call.raw_args.first().map_or("", String::as_str))?,
                    Some(n) => {
                        let mut r = self.words(first)?;
                        for _ in 1..n.min(32) {
                            let dst = self.alloc()?;
                            self.emit(Op::EvalText { dst, src: r }, None);
                            r = dst;
                        }
                        r
                    }
                    None => {
                        let src = self.words(first)?;
                        let n = self.words(&args[1])?;
                        let dst = self.alloc()?;
                        self.emit(Op::EvalTimes { dst, src, n }, None);
                        dst
                    }
                }
            }
            ("+", _) if call.args.is_some() => {
                let (start, n) = self.arg_list(args)?;
                let dst = self.alloc()?;
                self.emit(
                    Op::Concat {
                        dst,
                        start,
                        n: u16::from(n),
                    },
                    None,
                );
                dst
            }
            ("null", _) if args.is_empty() => self.load_str("")?,
            ("true", _) if args.is_empty() => self.load_str("$true")?,
            ("false", _) if args.is_empty() => self.load_str("$false")?,
            ("v1" | "ifmatch", _) => self.info(FrameInfo::V1)?,
            ("v2" | "ifmatch2", _) => self.info(FrameInfo::V2)?,
            ("isid", _) => self.info(FrameInfo::IsId)?,
            ("prop", _) => self.info(FrameInfo::Prop)?,
            ("show", _) => self.info(FrameInfo::Show)?,
            ("result", _) => self.info(FrameInfo::Result)?,
            ("parms" | "eventparms", _) => self.info(FrameInfo::Parms)?,
            (n, m) if m != IdentMode::CustomOnly && INTRINSIC_IDENTS.contains(&n) => {
                let (start, cnt) = if n == "regsubex" || n == "regsub" {
                    // The substitution text is evaluated per match: pass it unevaluated.
                    let start = self.alloc_n(args.len())?;
                    for (i, w) in args.iter().enumerate() {
                        let save = self.top;
                        let dst = start + u16::try_from(i).unwrap_or(0);
                        // Which argument is the substitution text: ([name,]text,re,subtext[,%var]).
                        let sub_at = match args.len() {
                            3 => 2,
                            4 if call.raw_args.get(3).is_some_and(|r| r.starts_with('%')) => 2,
                            _ => 3,
                        };
                        let is_sub = n == "regsubex" && i == sub_at;
                        let r = if is_sub
                            || (n == "regsub" && i + 1 == args.len() && args.len() >= 4)
                        {
                            self.load_str(call.raw_args.get(i).map_or("", String::as_str))?
                        } else {
                            self.words(w)?
                        };
                        if r != dst {
                            self.emit(Op::Move { dst, src: r }, None);
                        }
                        self.top = save;
                    }
                    (start, u8::try_from(args.len()).unwrap_or(u8::MAX))
                } else if n == "var" && !args.is_empty() {
                    // `$var(%seen.*,N)`: the mask names variables; it is not read as one.
                    let mut named = args.to_vec();
                    named[0].words = named[0].words.iter().map(var_name_word).collect();
                    self.arg_list(&named)?
                } else {
                    self.arg_list(args)?
                };
                let dst = self.alloc()?;
                let which = self.name(n);
                let prop = call.prop.as_deref().map_or(NO_NAME, |p| self.name(p));
                self.emit(
                    Op::Intrinsic {
                        dst,
                        which,
                        start,
                        n: cnt,
                        prop,
                    },
                    Some(call.span),
                );
                dst
            }
            _ => self.call_link(call, args, want)?,
        };
        if call.mode == IdentMode::HaltIfEmpty {
            self.emit(Op::HaltIfNull { src: r }, None);
        }
        Ok(r)
    }

    fn info(&mut self, what: FrameInfo) -> Result<Reg, CompileError> {
        let dst = self.alloc()?;
        self.emit(Op::LoadInfo { dst, what }, None);
        Ok(dst)
    }

    fn arg_list(&mut self, args: &[Words]) -> Result<(Reg, u8), CompileError> {
        let n = args.len().min(250);
        let start = self.alloc_n(n)?;
        for (i, w) in args.iter().take(n).enumerate() {
            let save = self.top;
            self.words_into(w, start + u16::try_from(i).unwrap_or(0))?;
            self.top = save;
        }
        Ok((start, u8::try_from(n).unwrap_or(u8::MAX)))
    }

    fn call_link(
        &mut self,
        call: &IdentCall,
        args: &[Words],
        want: Option<Reg>,
    ) -> Result<Reg, CompileError> {
        let (start, n) = self.arg_list(args)?;
        let dst = match want {
            Some(r) => r,
            None => self.alloc()?,
        };
        let key = match call.mode {
            IdentMode::BuiltinOnly => format!("~{}", call.name),
            IdentMode::CustomOnly => format!("/{}", call.name),
            _ => call.name.clone(),
        };
        let key = if call.args.is_some() {
            key
        } else {
            format!("{key}#")
        };
        let link = self.ident_link(&key);
        let prop = call.prop.as_deref().map_or(NO_NAME, |p| self.name(p));
        self.emit(
            Op::CallIdent {
                dst,
                link,
                start,
                n,
                prop,
            },
            Some(call.span),
        );
        Ok(dst)
    }

    // ----------------------------------------------------------------- $calc lowering

    /// `$calc(expr)`: when the argument's literal text forms an arithmetic expression whose
    /// dynamic parts are whole operands, compiles it to arithmetic. Each operation jumps to a
    /// fallback when an operand is not a plain number; the fallback joins the same (already
    /// evaluated) pieces into text and runs the run-time `$calc` on it, so identifiers are never
    /// evaluated twice.
    fn calc(
        &mut self,
        arg: &Words,
        call: &IdentCall,
        want: Option<Reg>,
    ) -> Result<Reg, CompileError> {
        // Evaluate every dynamic part first, in order.
        let mut pieces: Vec<Vec<CalcPiece>> = Vec::new();
        for w in &arg.words {
            let mut wp = Vec::new();
            for p in &w.parts {
                match p {
                    Part::Lit(t) => wp.push(CalcPiece::Lit(t.clone())),
                    other => {
                        // The value stays in its register for the fallback: `top` is not reset.
                        let r = self.part(other)?;
                        wp.push(CalcPiece::Reg(r));
                    }
                }
            }
            pieces.push(wp);
        }
        let toks = calc_tokens(&pieces);
        let dst = match want {
            Some(r) => r,
            None => self.alloc()?,
        };
        let mut fail_patches = Vec::new();
        let lowered = match toks {
            Some(toks) => {
                let mut p = CalcParser { toks: &toks, i: 0 };
                match p.expr() {
                    Some(tree) if p.i == toks.len() => {
                        // A bare operand still needs the numeric guard: `$calc($null)` is 0.
                        let tree = match tree {
                            CalcNode::Reg(_) => CalcNode::Bin(
                                ArithOp::Add,
                                Box::new(tree),
                                Box::new(CalcNode::Num("0".to_string())),
                            ),
                            t => t,
                        };
                        let r = self.calc_tree(&tree, &mut fail_patches, Some(dst))?;
                        if r != dst {
                            self.emit(Op::Move { dst, src: r }, None);
                        }
                        true
                    }
                    _ => false,
                }
            }
            None => false,
        };
        let fallback = self.pc();
        // Fallback: the text, then the run-time $calc; out of line when the lowered code is
        // the common path.
        let nwords = pieces.len();
        let wstart = self.alloc_n(nwords.max(1))?;
        for (i, wp) in pieces.iter().enumerate() {
            let dstw = wstart + u16::try_from(i).unwrap_or(0);
            let pstart = self.alloc_n(wp.len().max(1))?;
            for (j, piece) in wp.iter().enumerate() {
                let pd = pstart + u16::try_from(j).unwrap_or(0);
                match piece {
                    CalcPiece::Lit(t) => {
                        let k = self.konst(Const::Str(t.clone()));
                        self.emit(Op::LoadK { dst: pd, k }, None);
                    }
                    CalcPiece::Reg(r) => {
                        self.emit(Op::Move { dst: pd, src: *r }, None);
                    }
                }
            }
            self.emit(
                Op::Concat {
                    dst: dstw,
                    start: pstart,
                    n: u16::try_from(wp.len()).unwrap_or(0),
                },
                None,
            );
        }
        let text = self.alloc()?;
        self.emit(
            Op::JoinWords {
                dst: text,
                start: wstart,
                n: u16::try_from(nwords).unwrap_or(0),
            },
            None,
        );
        let link = self.ident_link("calc");
        self.emit(
            Op::CallIdent {
                dst,
                link,
                start: text,
                n: 1,
                prop: NO_NAME,
            },
            Some(call.span),
        );
        if lowered {
            self.defer_from(fallback as usize, fail_patches);
        }
        Ok(dst)
    }

    /// Emits the arithmetic for `t`; the root operation writes `root` when given.
    fn calc_tree(
        &mut self,
        t: &CalcNode,
        fails: &mut Vec<usize>,
        root: Option<Reg>,
    ) -> Result<Reg, CompileError> {
        let dst_for = |c: &mut Self| match root {
            Some(r) => Ok(r),
            None => c.alloc(),
        };
        match t {
            CalcNode::Num(text) => self.const_reg(text),
            CalcNode::Reg(r) => Ok(*r),
            CalcNode::Neg(inner) => {
                let src = self.calc_tree(inner, fails, None)?;
                let dst = dst_for(self)?;
                fails.push(self.emit(Op::Neg { dst, src, fail: 0 }, None));
                Ok(dst)
            }
            CalcNode::Bin(op, a, b) => {
                // An integer literal operand becomes an immediate; `+` and `*` take it from
                // either side.
                let (a, b) = match (op, &**a) {
                    (ArithOp::Add | ArithOp::Mul, CalcNode::Num(t))
                        if calc_imm(t).is_some() && !matches!(&**b, CalcNode::Num(_)) =>
                    {
                        (b, a)
                    }
                    _ => (a, b),
                };
                if let CalcNode::Num(t) = &**b {
                    if let Some(imm) = calc_imm(t) {
                        if matches!(
                            op,
                            ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::Mod
                        ) {
                            let ra = self.calc_tree(a, fails, None)?;
                            let dst = dst_for(self)?;
                            if let Some(i) = Op::arith_imm(*op, dst, ra, imm, 0) {
                                fails.push(self.emit(i, None));
                            }
                            return Ok(dst);
                        }
                    }
                }
                let ra = self.calc_tree(a, fails, None)?;
                let rb = self.calc_tree(b, fails, None)?;
                let dst = dst_for(self)?;
                fails.push(self.emit(Op::arith(*op, dst, ra, rb, 0), None));
                Ok(dst)
            }
        }
    }
}

/// The integer a `$calc` number literal denotes, when it fits an immediate operand.
fn calc_imm(text: &str) -> Option<i32> {
    text.parse::<i32>().ok()
}

/// A comparison operand that is a canonical integer literal (`10`, `-3`, not `007`) fitting an
/// immediate operand.
fn literal_imm(w: &Words) -> Option<i32> {
    if let [word] = w.words.as_slice() {
        if let [Part::Lit(t)] = word.parts.as_slice() {
            return t.parse::<i32>().ok().filter(|i| i.to_string() == *t);
        }
    }
    None
}

/// Fuses `increg r; jumpif a cmp b @back` into one [`Op::IncLoop`]. The `jumpif` stays in
/// place for the loop's first test (entered by a jump) and for the exit path, where it
/// repeats the same pure comparison and falls through.
fn fuse_inc_loops(code: &mut [Op]) {
    for k in 0..code.len().saturating_sub(1) {
        if let (
            Op::IncReg { reg },
            Op::JumpCmp {
                cmp,
                a,
                b,
                when: true,
                record,
                target,
            },
        ) = (code[k], code[k + 1])
        {
            let pure = matches!(cmp, Cmp::Lt | Cmp::Le | Cmp::Gt | Cmp::Ge | Cmp::Eq);
            if pure && (target as usize) <= k {
                code[k] = Op::IncLoop {
                    reg,
                    cmp,
                    a,
                    b,
                    record,
                    target,
                };
            }
        }
        if let (
            Op::IncReg { reg },
            Op::JumpCmpI {
                cmp,
                a,
                when: true,
                record,
                imm,
                target,
            },
        ) = (code[k], code[k + 1])
        {
            if (target as usize) <= k {
                code[k] = Op::IncLoopI {
                    cmp,
                    reg,
                    a,
                    record,
                    imm,
                    target,
                };
            }
        }
    }
}

/// True when `p` is or holds a `[ ]` group of the line (not one inside an identifier's
/// arguments, which is evaluated with that argument).
fn has_group(p: &Part) -> bool {
    match p {
        Part::Bracket(..) | Part::DynEval(_) | Part::DynCall(_) => true,
        Part::ChanPrefixed(inner) => has_group(inner),
        _ => false,
    }
}

/// The index key of a constant: equal keys for equal constants of the same kind.
fn const_key(c: &Const) -> String {
    match c {
        Const::Str(s) => format!("s{s}"),
        Const::Int(i) => format!("i{i}"),
        Const::Num(x) => format!("n{x:?}"),
    }
}

/// True when `a` and `b` have the same [`const_key`].
fn same_const(a: &Const, b: &Const) -> bool {
    match (a, b) {
        (Const::Str(x), Const::Str(y)) => x == y,
        (Const::Int(x), Const::Int(y)) => x == y,
        (Const::Num(x), Const::Num(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        _ => false,
    }
}

/// For variable commands: a word whose first part is `%name` is the variable's name text,
/// with the rest of the word (joined by `$+`) evaluated and appended.
///
/// A name built with brackets, `%score. [ $+ [ $nick ] ]` or `%a [ $+ b ]`, is the joined text
/// without its final evaluation (which would read the variable): `%score.bob`, `%ab`.
fn var_name_word(w: &Word) -> Word {
    let mut parts = w.parts.clone();
    match parts.first() {
        Some(Part::Var(n)) => parts[0] = Part::Lit(format!("%{n}")),
        Some(Part::DynEval(pieces)) if matches!(pieces.first(), Some(DynPiece::Lit(t)) if t.starts_with('%')) =>
        {
            let mut named = Vec::new();
            for piece in pieces {
                match piece {
                    DynPiece::Lit(t) => named.push(Part::Lit(t.clone())),
                    DynPiece::Eval(w) => named.extend(w.parts.iter().cloned()),
                }
            }
            parts.splice(0..1, named);
        }
        _ => {}
    }
    Word {
        parts,
        span: w.span,
    }
}

/// The names `unset` removes from its words: like [`var_name_word`], but each `%var` part
/// starts another name, so `unset %a $+ %b` removes `%a` and `%b` (mIRC's exception to the
/// join; `unset %a $+ [ %b ]` joins).
fn unset_names(words: &[Word]) -> Vec<Word> {
    let mut out = Vec::new();
    for w in words {
        let w = var_name_word(w);
        let mut cur: Vec<Part> = Vec::new();
        for p in w.parts {
            if let Part::Var(n) = &p {
                if !cur.is_empty() {
                    out.push(Word {
                        parts: std::mem::take(&mut cur),
                        span: w.span,
                    });
                }
                cur.push(Part::Lit(format!("%{n}")));
            } else {
                cur.push(p);
            }
        }
        out.push(Word {
            parts: cur,
            span: w.span,
        });
    }
    out
}

/// The switches of `set`/`var` (letters after `-`) the VM applies when storing: `i` and `s`,
/// and for `set` also `k`, `z`, `e` and `uN` (N digits, none for 0).
fn store_flags(letters: &str, is_var: bool) -> String {
    let mut out = String::new();
    let mut chars = letters.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            'i' | 's' => out.push(ch),
            'k' | 'z' | 'e' if !is_var => out.push(ch),
            'u' if !is_var => {
                out.push('u');
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    out.push(d);
                }
            }
            _ => {}
        }
    }
    out
}

/// The switches of `inc`/`dec` that give the variable a timer: `c` (or `r`), `z`, `e`, `uN`.
fn inc_flags(letters: &str) -> String {
    let mut out = String::new();
    let mut chars = letters.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            'c' | 'r' => out.push('c'),
            'z' | 'e' => out.push(ch),
            'u' => {
                out.push('u');
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    out.push(d);
                }
            }
            _ => {}
        }
    }
    out
}

fn math_op(s: &str) -> Option<ArithOp> {
    Some(match s {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        "/" => ArithOp::Div,
        "%" => ArithOp::Mod,
        "^" => ArithOp::Pow,
        _ => return None,
    })
}

/// True when the body uses `goto`/labels or `unset`: then whether a local is declared at a given
/// point is only known at run time, and reads of locals are checked.
fn contains_goto(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Command(c) => matches!(c.literal_name.as_deref(), Some("goto" | "unset")),
        Stmt::Label(..) => true,
        Stmt::If {
            arms, otherwise, ..
        } => {
            arms.iter().any(|(_, b)| contains_goto(b))
                || otherwise.as_deref().is_some_and(contains_goto)
        }
        Stmt::While { body, .. } => contains_goto(body),
        Stmt::Block(b) => contains_goto(b),
    })
}

/// Names declared with `var` anywhere in the body (literal names only).
fn collect_locals(body: &[Stmt], out: &mut Vec<String>) {
    for s in body {
        match s {
            Stmt::Command(c) => {
                let is_var = c.literal_name.as_deref() == Some("var");
                let is_set_l = c.literal_name.as_deref() == Some("set")
                    && c.args
                        .words
                        .first()
                        .and_then(Word::literal)
                        .is_some_and(|w| w.starts_with('-') && w.contains('l'));
                if is_var || is_set_l {
                    let mut expect_name = true;
                    for w in &c.args.words {
                        if expect_name {
                            if let Some(lit) = w.literal() {
                                if lit.starts_with('-') {
                                    if lit.contains('g') {
                                        break;
                                    }
                                    continue;
                                }
                            }
                            if let [Part::Var(n)] = w.parts.as_slice() {
                                let n = n.trim_end_matches(',').to_ascii_lowercase();
                                if !out.contains(&n) {
                                    out.push(n);
                                }
                            }
                            expect_name = false;
                        }
                        if !is_var {
                            break;
                        }
                        if matches!(w.parts.last(), Some(Part::Lit(t)) if t.ends_with(',') && !t.ends_with(",,"))
                            || matches!(w.parts.as_slice(), [Part::Var(n)] if n.ends_with(','))
                        {
                            expect_name = true;
                        }
                    }
                }
            }
            Stmt::If {
                arms, otherwise, ..
            } => {
                for (_, b) in arms {
                    collect_locals(b, out);
                }
                if let Some(b) = otherwise {
                    collect_locals(b, out);
                }
            }
            Stmt::While { body, .. } | Stmt::Block(body) => collect_locals(body, out),
            Stmt::Label(..) => {}
        }
    }
}

// ----------------------------------------------------------------------- $calc shapes

enum CalcPiece {
    Lit(String),
    Reg(Reg),
}

#[derive(Clone, Debug)]
enum CalcTok {
    Num(String),
    Reg(Reg),
    Op(ArithOp),
    Open,
    Close,
}

enum CalcNode {
    Num(String),
    Reg(Reg),
    Neg(Box<CalcNode>),
    Bin(ArithOp, Box<CalcNode>, Box<CalcNode>),
}

/// Lexes the literal pieces; a dynamic part must stand as a whole operand.
fn calc_tokens(words: &[Vec<CalcPiece>]) -> Option<Vec<CalcTok>> {
    let mut toks = Vec::new();
    for w in words {
        for piece in w {
            match piece {
                CalcPiece::Reg(r) => {
                    if matches!(
                        toks.last(),
                        Some(CalcTok::Num(_) | CalcTok::Reg(_) | CalcTok::Close)
                    ) {
                        return None;
                    }
                    toks.push(CalcTok::Reg(*r));
                }
                CalcPiece::Lit(t) => {
                    let b = t.as_bytes();
                    let mut i = 0;
                    while i < b.len() {
                        let c = b[i];
                        match c {
                            b' ' => i += 1,
                            b'(' => {
                                toks.push(CalcTok::Open);
                                i += 1;
                            }
                            b')' => {
                                toks.push(CalcTok::Close);
                                i += 1;
                            }
                            b'+' => {
                                toks.push(CalcTok::Op(ArithOp::Add));
                                i += 1;
                            }
                            b'-' => {
                                toks.push(CalcTok::Op(ArithOp::Sub));
                                i += 1;
                            }
                            b'*' => {
                                toks.push(CalcTok::Op(ArithOp::Mul));
                                i += 1;
                            }
                            b'%' => {
                                toks.push(CalcTok::Op(ArithOp::Mod));
                                i += 1;
                            }
                            b'^' => {
                                toks.push(CalcTok::Op(ArithOp::Pow));
                                i += 1;
                            }
                            b'/' => {
                                if b.get(i + 1) == Some(&b'/') {
                                    toks.push(CalcTok::Op(ArithOp::FloorDiv));
                                    i += 2;
                                } else {
                                    toks.push(CalcTok::Op(ArithOp::Div));
                                    i += 1;
                                }
                            }
                            b'0'..=b'9' | b'.' => {
                                let s = i;
                                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                                    i += 1;
                                }
                                let text = &t[s..i];
                                if text.matches('.').count() > 1 || text == "." {
                                    return None;
                                }
                                if matches!(
                                    toks.last(),
                                    Some(CalcTok::Num(_) | CalcTok::Reg(_) | CalcTok::Close)
                                ) {
                                    return None;
                                }
                                toks.push(CalcTok::Num(if text.starts_with('.') {
                                    format!("0{text}")
                                } else {
                                    text.to_string()
                                }));
                            }
                            _ => return None,
                        }
                    }
                }
            }
        }
    }
    Some(toks)
}

struct CalcParser<'t> {
    toks: &'t [CalcTok],
    i: usize,
}

impl CalcParser<'_> {
    // expr = term (("+" | "-") term)*
    fn expr(&mut self) -> Option<CalcNode> {
        let mut left = self.term()?;
        while let Some(CalcTok::Op(op @ (ArithOp::Add | ArithOp::Sub))) = self.toks.get(self.i) {
            self.i += 1;
            let right = self.term()?;
            left = CalcNode::Bin(*op, Box::new(left), Box::new(right));
        }
        Some(left)
    }
    // term = power (("*" | "/" | "%" | "//") power)*
    fn term(&mut self) -> Option<CalcNode> {
        let mut left = self.power()?;
        while let Some(CalcTok::Op(
            op @ (ArithOp::Mul | ArithOp::Div | ArithOp::Mod | ArithOp::FloorDiv),
        )) = self.toks.get(self.i)
        {
            self.i += 1;
            let right = self.power()?;
            left = CalcNode::Bin(*op, Box::new(left), Box::new(right));
        }
        Some(left)
    }
    // power = unary ("^" unary)*   (left to right, as mIRC does)
    fn power(&mut self) -> Option<CalcNode> {
        let mut left = self.unary()?;
        while let Some(CalcTok::Op(ArithOp::Pow)) = self.toks.get(self.i) {
            self.i += 1;
            let right = self.unary()?;
            left = CalcNode::Bin(ArithOp::Pow, Box::new(left), Box::new(right));
        }
        Some(left)
    }
    fn unary(&mut self) -> Option<CalcNode> {
        match self.toks.get(self.i)? {
            CalcTok::Op(ArithOp::Sub) => {
                self.i += 1;
                // A literal negative number stays a constant.
                if let Some(CalcTok::Num(n)) = self.toks.get(self.i) {
                    self.i += 1;
                    return Some(CalcNode::Num(format!("-{n}")));
                }
                Some(CalcNode::Neg(Box::new(self.unary()?)))
            }
            CalcTok::Num(n) => {
                self.i += 1;
                Some(CalcNode::Num(n.clone()))
            }
            CalcTok::Reg(r) => {
                self.i += 1;
                Some(CalcNode::Reg(*r))
            }
            CalcTok::Open => {
                self.i += 1;
                let e = self.expr()?;
                match self.toks.get(self.i) {
                    Some(CalcTok::Close) => {
                        self.i += 1;
                        Some(e)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
