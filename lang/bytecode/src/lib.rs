//! `rustirc-bytecode`: the instruction set of the mSL VM, compiled chunks, a disassembler with a
//! stable text format, and a verifier.
//!
//! The VM is a register machine: a chunk's locals are its first registers, temporaries follow.
//! Positions live in a side table, never in instructions. This crate runs nothing and knows
//! nothing about values beyond the constant pool's plain data.

use std::fmt::Write;

/// A register index within a frame.
pub type Reg = u16;
/// An index into a chunk's constant pool.
pub type ConstId = u32;
/// An instruction index.
pub type Pc = u32;
/// An index into a chunk's name table (variable names, labels, properties).
pub type NameId = u32;
/// An index into the script's link table (identifiers or commands resolved at link time).
pub type LinkId = u32;

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// Text.
    Str(String),
    /// An integer.
    Int(i64),
    /// A number.
    Num(f64),
}

/// Arithmetic of a lowered `$calc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%` (sign of the dividend).
    Mod,
    /// `//` (floor).
    FloorDiv,
    /// `^`.
    Pow,
}

/// A comparison (see the language reference for each operator). IRC-state operators answered
/// by the host have their own instruction, [`Op::JumpHostCmp`], so this stays one byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cmp {
    /// `==`.
    Eq,
    /// `===`.
    EqCs,
    /// `<`.
    Lt,
    /// `>`.
    Gt,
    /// `<=`.
    Le,
    /// `>=`.
    Ge,
    /// `//`.
    Divides,
    /// `\\`.
    NotDivides,
    /// `&`.
    BitAnd,
    /// `isin`.
    IsIn,
    /// `isincs`.
    IsInCs,
    /// `iswm`.
    IsWm,
    /// `iswmcs`.
    IsWmCs,
    /// `isnum`.
    IsNum,
    /// `isletter`.
    IsLetter,
    /// `isalnum`.
    IsAlnum,
    /// `isalpha`.
    IsAlpha,
    /// `islower`.
    IsLower,
    /// `isupper`.
    IsUpper,
}

/// How a variable command writes (`var`, `set`, `%x = v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarScope {
    /// `var`: a local of this frame.
    Local,
    /// `set`: a global.
    Global,
    /// `%x = v`: the local if one exists, else the global.
    Assign,
    /// `inc`/`dec`: like `Assign`, but a global keeps its timer (`set -u`, `-z`).
    Update,
}

/// Which frame-level fact an identifier reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameInfo {
    /// `$isid`.
    IsId,
    /// `$prop`.
    Prop,
    /// `$show`.
    Show,
    /// `$result`.
    Result,
    /// `$v1` / `$ifmatch`.
    V1,
    /// `$v2` / `$ifmatch2`.
    V2,
    /// `$parms`.
    Parms,
}

/// One instruction. Each doc line is the instruction's effect.
///
/// With `repr(u8)` every variant is laid out in declaration order after the one-byte tag, so
/// fields are ordered narrowest first to keep every instruction within 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(u8)]
pub enum Op {
    // --- values and variables ---
    /// `dst = k`.
    LoadK { dst: Reg, k: ConstId },
    /// `dst = src`.
    Move { dst: Reg, src: Reg },
    /// `dst` = local `slot` if declared in this frame, else variable `name` looked up by name.
    LoadLocalChecked { dst: Reg, slot: Reg, name: NameId },
    /// `dst` = variable `name` (frame's dynamic locals, then globals); `$null` if unset.
    LoadVar { dst: Reg, name: NameId },
    /// `dst` = variable whose name is the text of `src`.
    LoadVarDyn { dst: Reg, src: Reg },
    /// Write `src` to variable `name` (a slot when `slot` is not `u16::MAX`) with `scope`.
    StoreVar {
        scope: VarScope,
        slot: Reg,
        src: Reg,
        name: NameId,
    },
    /// Write `src` to the variable named by the text of `name_reg`.
    StoreVarDyn {
        scope: VarScope,
        name_reg: Reg,
        src: Reg,
    },
    /// `dst = a op b` when both are numbers, else the text `a op b` (the `var %n 5 + 3` rule).
    MathOrText {
        op: ArithOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// Add `by` (register) to variable `name`/`slot`; `neg` subtracts (`inc`/`dec`).
    IncVar {
        neg: bool,
        slot: Reg,
        by: Reg,
        name: NameId,
    },
    /// Add 1 to local register `reg` known to be declared (the common `inc %i`).
    IncReg { reg: Reg },
    /// `increg reg` then `jumpif a cmp b @target`: the bottom of a `while` loop whose body
    /// ends with `inc`. Only plain numeric comparisons are fused; the jump is backward and
    /// spends fuel.
    IncLoop {
        cmp: Cmp,
        reg: Reg,
        a: Reg,
        b: Reg,
        record: bool,
        target: Pc,
    },
    /// [`Op::IncLoop`] comparing with the integer `imm`.
    IncLoopI {
        cmp: Cmp,
        reg: Reg,
        a: Reg,
        record: bool,
        imm: i32,
        target: Pc,
    },
    /// Remove variables named by the words in `start..start+n` (wildcards allowed).
    Unset { n: u8, start: Reg },
    /// `dst` = parameter `$n` (`$0` is the count).
    LoadParam { dst: Reg, n: u16 },
    /// `dst` = parameters `from..=to` joined by spaces (`to == 0` means to the end).
    LoadParamRange { dst: Reg, from: u16, to: u16 },
    /// `dst` = a fact about the running frame.
    LoadInfo { dst: Reg, what: FrameInfo },
    // --- text ---
    /// `dst` = `start..start+n` joined with no separator (`$+`).
    Concat { dst: Reg, start: Reg, n: u16 },
    /// `dst` = `start..start+n` joined by single spaces (words of a line).
    JoinWords { dst: Reg, start: Reg, n: u16 },
    /// `dst` = `#` + `src` unless `src` already starts with `#`.
    ChanPrefix { dst: Reg, src: Reg },
    /// `dst` = the text of `src` evaluated once more as code (`[ ]`, `$eval(x,2)`).
    EvalText { dst: Reg, src: Reg },
    /// `dst` = `src` evaluated `n` more times, `n` read from register `n` (`$eval(x,%n)`).
    EvalTimes { dst: Reg, src: Reg, n: Reg },
    /// Halt the run when `src` is empty (`$$1`, `$$ident`).
    HaltIfNull { src: Reg },
    // --- arithmetic (lowered `$calc`) ---
    /// `dst = a op b`; jump to `fail` when an operand is not a plain number or the result is
    /// undefined (the fallback recomputes the whole expression as text).
    Arith {
        op: ArithOp,
        dst: Reg,
        a: Reg,
        b: Reg,
        fail: Pc,
    },
    /// [`Op::Arith`] with `+` (its own instruction: no second dispatch on the operator).
    Add { dst: Reg, a: Reg, b: Reg, fail: Pc },
    /// [`Op::Arith`] with `-`.
    Sub { dst: Reg, a: Reg, b: Reg, fail: Pc },
    /// [`Op::Arith`] with `*`.
    Mul { dst: Reg, a: Reg, b: Reg, fail: Pc },
    /// [`Op::Arith`] with `%`.
    Mod { dst: Reg, a: Reg, b: Reg, fail: Pc },
    /// [`Op::Add`] with the integer `imm` as right operand.
    AddI {
        dst: Reg,
        a: Reg,
        imm: i32,
        fail: Pc,
    },
    /// [`Op::Sub`] with the integer `imm` as right operand.
    SubI {
        dst: Reg,
        a: Reg,
        imm: i32,
        fail: Pc,
    },
    /// [`Op::Mul`] with the integer `imm` as right operand.
    MulI {
        dst: Reg,
        a: Reg,
        imm: i32,
        fail: Pc,
    },
    /// [`Op::Mod`] with the integer `imm` as right operand.
    ModI {
        dst: Reg,
        a: Reg,
        imm: i32,
        fail: Pc,
    },
    /// `dst = -src`; jump to `fail` when `src` is not a number.
    Neg { dst: Reg, src: Reg, fail: Pc },
    // --- conditions and control ---
    /// Compare `a` with `b`; jump to `target` when the result equals `when`. Records `$v1`/`$v2`
    /// when `record`. A backward jump spends fuel.
    JumpCmp {
        cmp: Cmp,
        a: Reg,
        b: Reg,
        when: bool,
        record: bool,
        target: Pc,
    },
    /// [`Op::JumpCmp`] with the integer `imm` as right operand.
    JumpCmpI {
        cmp: Cmp,
        a: Reg,
        when: bool,
        record: bool,
        imm: i32,
        target: Pc,
    },
    /// Ask the host to compare `a` with `b` by the IRC-state operator named `name` (`isop`,
    /// `ison`, …); otherwise as [`Op::JumpCmp`].
    JumpHostCmp {
        when: bool,
        a: Reg,
        b: Reg,
        record: bool,
        name: NameId,
        target: Pc,
    },
    /// Test `src` for mIRC truth; jump to `target` when it equals `when`. Backward jumps spend
    /// fuel. Records `$v1` when `record`.
    JumpTruth {
        when: bool,
        src: Reg,
        record: bool,
        target: Pc,
    },
    /// Jump.
    Jump { target: Pc },
    /// Jump backwards; spends fuel so every loop can be stopped.
    Loop { target: Pc },
    /// Jump back from an out-of-line block (a `$calc` fallback) to where its code continues;
    /// spends no fuel, as the block only stands in for straight-line code.
    Resume { target: Pc },
    /// Jump to the label named by the text of `src`.
    GotoDyn { src: Reg },
    // --- calls ---
    /// Call identifier link `link` with args `start..start+n`, result to `dst`. `prop` is a name
    /// id or `u32::MAX`.
    CallIdent {
        n: u8,
        dst: Reg,
        start: Reg,
        link: LinkId,
        prop: NameId,
    },
    /// Run command link `link` with argument words `start..start+n`.
    RunCommand {
        n: u8,
        silent: bool,
        start: Reg,
        link: LinkId,
    },
    /// Run the command whose name is the text of `name` (an evaluated command word).
    RunCommandDyn {
        n: u8,
        silent: bool,
        name: Reg,
        start: Reg,
    },
    /// Show `start..start+n` as `/echo` does (switches and window parsed at run time), or
    /// run the alias named `echo` when one overrides it (unless `builtin`, written `!echo`).
    Echo {
        n: u8,
        silent: bool,
        builtin: bool,
        start: Reg,
    },
    /// Refill `$1-` from `src` split on the delimiter in `delim` (`tokenize`).
    Tokenize { delim: Reg, src: Reg },
    /// Run an intrinsic identifier that needs the VM (`$regsubex`, `$var`, `$read`, …).
    Intrinsic {
        n: u8,
        dst: Reg,
        start: Reg,
        which: NameId,
        prop: NameId,
    },
    /// Run an intrinsic command that needs the VM (`set`, `timer`, …) with argument words, or
    /// the alias of that name when one overrides it (unless `builtin`, written `!timer`).
    IntrinsicCmd {
        n: u8,
        silent: bool,
        builtin: bool,
        start: Reg,
        which: NameId,
    },
    /// Return `src` (or `$null` if `u16::MAX`) to the caller; `exact` keeps spaces (`returnex`).
    Return { exact: bool, src: Reg },
    /// Stop the whole run (`halt`).
    Halt,
    /// Mark the default action as stopped (`haltdef`).
    HaltDef,
}

/// A compiled alias or event body, or a piece of dynamic text.
#[derive(Clone, Debug, Default)]
pub struct Chunk {
    /// For disassembly and errors: `alias greet`, `on TEXT`, `eval`.
    pub name: String,
    /// Instructions.
    pub code: Vec<Op>,
    /// Constants.
    pub consts: Vec<Const>,
    /// Names: variables (without `%`), labels, properties, intrinsic names.
    pub names: Vec<String>,
    /// Registers the frame needs.
    pub nregs: u16,
    /// Parameters `$1..=$params` live in the frame's last `params` registers: a call writes its
    /// arguments there (`$null` for missing ones) and any further arguments right after them.
    pub params: u16,
    /// Local variable slots: `(name, register)`; a slot is live once `var` declared it.
    pub locals: Vec<(String, Reg)>,
    /// Constants loaded into registers on entry: `(register, constant)`.
    pub prologue: Vec<(Reg, ConstId)>,
    /// Labels: `(name, pc)`.
    pub labels: Vec<(String, Pc)>,
    /// Position table: `(first pc, byte offset in the prepared text)`, sorted by pc.
    pub positions: Vec<(Pc, u32)>,
    /// True when variables and parameters are those of the calling frame (dynamic text).
    pub borrows_frame: bool,
    /// Identifier names called through link slots (`CallIdent`'s `link`), lower-case.
    pub ident_links: Vec<String>,
    /// Command names called through link slots (`RunCommand`'s `link`), lower-case.
    pub command_links: Vec<String>,
}

impl Chunk {
    /// The source offset of the statement containing `pc`.
    pub fn offset_of(&self, pc: Pc) -> Option<u32> {
        let i = match self.positions.binary_search_by(|(p, _)| p.cmp(&pc)) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        Some(self.positions[i].1)
    }
}

/// A name table entry shown by the disassembler.
fn name(c: &Chunk, id: NameId) -> &str {
    if id == u32::MAX {
        return "-";
    }
    c.names.get(id as usize).map_or("?", String::as_str)
}

fn konst(c: &Chunk, k: ConstId) -> String {
    match c.consts.get(k as usize) {
        Some(Const::Str(s)) => format!("{s:?}"),
        Some(Const::Int(i)) => i.to_string(),
        Some(Const::Num(x)) => format!("{x:?}"),
        None => "?".to_string(),
    }
}

/// The disassembly of `c` in a stable text format, one instruction per line.
pub fn disassemble(c: &Chunk) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "== {} ({} regs, {} locals) ==",
        c.name,
        c.nregs,
        c.locals.len()
    );
    for (n, r) in &c.locals {
        let _ = writeln!(out, "  local %{n} = r{r}");
    }
    for (r, k) in &c.prologue {
        let _ = writeln!(out, "  const r{r} = {}", konst(c, *k));
    }
    for i in 0..c.params {
        let _ = writeln!(out, "  param ${} = r{}", i + 1, c.nregs - c.params + i);
    }
    for (pc, op) in c.code.iter().enumerate() {
        let label = c
            .labels
            .iter()
            .find(|(_, p)| *p as usize == pc)
            .map(|(n, _)| format!(":{n}"));
        if let Some(l) = label {
            let _ = writeln!(out, "{l}");
        }
        let text = match *op {
            Op::LoadK { dst, k } => format!("loadk r{dst}, {}", konst(c, k)),
            Op::Move { dst, src } => format!("move r{dst}, r{src}"),
            Op::LoadLocalChecked { dst, slot, name: n } => {
                format!("loadlocal? r{dst}, r{slot} (%{})", name(c, n))
            }
            Op::LoadVar { dst, name: n } => format!("loadvar r{dst}, %{}", name(c, n)),
            Op::LoadVarDyn { dst, src } => format!("loadvar r{dst}, %[r{src}]"),
            Op::StoreVar {
                name: n,
                slot,
                src,
                scope,
            } => format!(
                "store{} %{}{}, r{src}",
                scope_s(scope),
                name(c, n),
                slot_s(slot)
            ),
            Op::StoreVarDyn {
                name_reg,
                src,
                scope,
            } => format!("store{} %[r{name_reg}], r{src}", scope_s(scope)),
            Op::MathOrText { dst, a, op, b } => format!("math r{dst}, r{a} {} r{b}", arith_s(op)),
            Op::IncVar {
                name: n,
                slot,
                by,
                neg,
            } => format!(
                "{} %{}{}, r{by}",
                if neg { "dec" } else { "inc" },
                name(c, n),
                slot_s(slot)
            ),
            Op::IncReg { reg } => format!("increg r{reg}"),
            Op::IncLoop {
                reg,
                cmp,
                a,
                b,
                record,
                target,
            } => format!(
                "incloop r{reg}; jumpif r{a} {} r{b}{} @{target}",
                cmp_s(cmp),
                if record { " (v1v2)" } else { "" }
            ),
            Op::IncLoopI {
                reg,
                cmp,
                a,
                record,
                imm,
                target,
            } => format!(
                "incloop r{reg}; jumpif r{a} {} {imm}{} @{target}",
                cmp_s(cmp),
                if record { " (v1v2)" } else { "" }
            ),
            Op::Unset { start, n } => format!("unset r{start}..+{n}"),
            Op::LoadParam { dst, n } => format!("loadparam r{dst}, ${n}"),
            Op::LoadParamRange { dst, from, to } => format!(
                "loadparams r{dst}, ${from}-{}",
                if to == 0 {
                    String::new()
                } else {
                    to.to_string()
                }
            ),
            Op::LoadInfo { dst, what } => format!("loadinfo r{dst}, {what:?}"),
            Op::Concat { dst, start, n } => format!("concat r{dst}, r{start}..+{n}"),
            Op::JoinWords { dst, start, n } => format!("join r{dst}, r{start}..+{n}"),
            Op::ChanPrefix { dst, src } => format!("chanprefix r{dst}, r{src}"),
            Op::EvalText { dst, src } => format!("eval r{dst}, r{src}"),
            Op::EvalTimes { dst, src, n } => format!("evaln r{dst}, r{src}, r{n}"),
            Op::HaltIfNull { src } => format!("haltifnull r{src}"),
            Op::Arith {
                dst, a, b, fail, ..
            }
            | Op::Add { dst, a, b, fail }
            | Op::Sub { dst, a, b, fail }
            | Op::Mul { dst, a, b, fail }
            | Op::Mod { dst, a, b, fail } => format!(
                "arith r{dst}, r{a} {} r{b} else @{fail}",
                arith_s(op.arith_op().unwrap_or(ArithOp::Add))
            ),
            Op::AddI { dst, a, imm, fail }
            | Op::SubI { dst, a, imm, fail }
            | Op::MulI { dst, a, imm, fail }
            | Op::ModI { dst, a, imm, fail } => format!(
                "arith r{dst}, r{a} {} {imm} else @{fail}",
                arith_s(op.arith_op().unwrap_or(ArithOp::Add))
            ),
            Op::Neg { dst, src, fail } => format!("neg r{dst}, r{src} else @{fail}"),
            Op::JumpCmpI {
                cmp,
                a,
                when,
                record,
                imm,
                target,
            } => format!(
                "jump{} r{a} {} {imm}{} @{target}",
                if when { "if" } else { "unless" },
                cmp_s(cmp),
                if record { " (v1v2)" } else { "" }
            ),
            Op::JumpCmp {
                cmp,
                a,
                b,
                when,
                record,
                target,
            } => {
                format!(
                    "jump{} r{a} {} r{b}{} @{target}",
                    if when { "if" } else { "unless" },
                    cmp_s(cmp),
                    if record { " (v1v2)" } else { "" }
                )
            }
            Op::JumpHostCmp {
                a,
                b,
                when,
                record,
                name: n,
                target,
            } => format!(
                "jump{} r{a} {} r{b}{} @{target}",
                if when { "if" } else { "unless" },
                name(c, n),
                if record { " (v1v2)" } else { "" }
            ),
            Op::JumpTruth {
                src, when, target, ..
            } => format!(
                "jump{} r{src} @{target}",
                if when { "if" } else { "unless" }
            ),
            Op::Jump { target } => format!("jump @{target}"),
            Op::Loop { target } => format!("loop @{target}"),
            Op::Resume { target } => format!("resume @{target}"),
            Op::GotoDyn { src } => format!("goto r{src}"),
            Op::CallIdent {
                dst,
                link,
                start,
                n,
                prop,
            } => format!(
                "callid r{dst}, link{link}(r{start}..+{n}){}",
                prop_s(c, prop)
            ),
            Op::RunCommand {
                link,
                start,
                n,
                silent,
            } => format!(
                "run{} link{link} r{start}..+{n}",
                if silent { "." } else { "" }
            ),
            Op::RunCommandDyn {
                name: r,
                start,
                n,
                silent,
            } => format!("run{} [r{r}] r{start}..+{n}", if silent { "." } else { "" }),
            Op::Echo {
                start,
                n,
                silent,
                builtin,
            } => {
                format!(
                    "{}echo{} r{start}..+{n}",
                    if builtin { "!" } else { "" },
                    if silent { "." } else { "" }
                )
            }
            Op::Tokenize { delim, src } => format!("tokenize r{delim}, r{src}"),
            Op::Intrinsic {
                dst,
                which,
                start,
                n,
                prop,
            } => format!(
                "intrinsic r{dst}, ${}(r{start}..+{n}){}",
                name(c, which),
                prop_s(c, prop)
            ),
            Op::IntrinsicCmd {
                which,
                start,
                n,
                silent,
                builtin,
            } => format!(
                "intrinsic{} /{}{} r{start}..+{n}",
                if silent { "." } else { "" },
                if builtin { "!" } else { "" },
                name(c, which)
            ),
            Op::Return { src, exact } => {
                if src == u16::MAX {
                    "return".to_string()
                } else {
                    format!("return{} r{src}", if exact { "ex" } else { "" })
                }
            }
            Op::Halt => "halt".to_string(),
            Op::HaltDef => "haltdef".to_string(),
        };
        let _ = writeln!(out, "  {pc:04} {text}");
    }
    out
}

fn scope_s(s: VarScope) -> &'static str {
    match s {
        VarScope::Local => "local",
        VarScope::Global => "global",
        VarScope::Assign => "",
        VarScope::Update => "update",
    }
}

fn slot_s(slot: Reg) -> String {
    if slot == u16::MAX {
        String::new()
    } else {
        format!(" (r{slot})")
    }
}

fn prop_s(c: &Chunk, prop: NameId) -> String {
    if prop == u32::MAX {
        String::new()
    } else {
        format!(".{}", name(c, prop))
    }
}

fn arith_s(op: ArithOp) -> &'static str {
    match op {
        ArithOp::Add => "+",
        ArithOp::Sub => "-",
        ArithOp::Mul => "*",
        ArithOp::Div => "/",
        ArithOp::Mod => "%",
        ArithOp::FloorDiv => "//",
        ArithOp::Pow => "^",
    }
}

fn cmp_s(cmp: Cmp) -> String {
    format!("{cmp:?}").to_lowercase()
}

/// A verification failure: a compiler bug, never a script error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// Where.
    pub pc: Pc,
    /// What is wrong.
    pub message: String,
}

/// An instruction's operands for [`verify`]: up to three registers, one register range and two
/// names; unused places hold values that always pass (`u16::MAX`, an empty range, `u32::MAX`).
type Operands = ([Reg; 3], (Reg, u16), [NameId; 2], Option<Pc>);
const NO_REG: Reg = u16::MAX;
const NO_NAME: NameId = u32::MAX;

/// Checks that every register, constant, name and jump target of `c` is in range and that the
/// code ends in a return.
pub fn verify(c: &Chunk) -> Result<(), VerifyError> {
    let len = u32::try_from(c.code.len()).unwrap_or(u32::MAX);
    let err = |pc: usize, m: String| {
        Err(VerifyError {
            pc: u32::try_from(pc).unwrap_or(u32::MAX),
            message: m,
        })
    };
    if c.params > c.nregs {
        return err(
            0,
            format!("{} parameter registers in {}", c.params, c.nregs),
        );
    }
    let reg_ok = |r: Reg| r < c.nregs || r == u16::MAX;
    let range_ok = |s: Reg, n: u16| n == 0 || u32::from(s) + u32::from(n) <= u32::from(c.nregs);
    let name_ok = |n: NameId| n == u32::MAX || (n as usize) < c.names.len();
    for (r, k) in &c.prologue {
        if !reg_ok(*r) || *k as usize >= c.consts.len() {
            return err(0, format!("bad prologue entry r{r} = k{k}"));
        }
    }
    for (pc, op) in c.code.iter().enumerate() {
        let (regs, range, names, target): Operands = match *op {
            Op::LoadK { dst, k } => {
                if k as usize >= c.consts.len() {
                    return err(pc, format!("constant k{k} out of range"));
                }
                ([dst, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None)
            }
            Op::Move { dst, src } => ([dst, src, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::LoadLocalChecked { dst, slot, name } => {
                ([dst, slot, NO_REG], (0, 0), [name, NO_NAME], None)
            }
            Op::LoadVar { dst, name } => ([dst, NO_REG, NO_REG], (0, 0), [name, NO_NAME], None),
            Op::LoadVarDyn { dst, src } => ([dst, src, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::StoreVar {
                name, slot, src, ..
            } => ([slot, src, NO_REG], (0, 0), [name, NO_NAME], None),
            Op::StoreVarDyn { name_reg, src, .. } => {
                ([name_reg, src, NO_REG], (0, 0), [NO_NAME, NO_NAME], None)
            }
            Op::MathOrText { dst, a, b, .. } => ([dst, a, b], (0, 0), [NO_NAME, NO_NAME], None),
            Op::IncVar { name, slot, by, .. } => {
                ([slot, by, NO_REG], (0, 0), [name, NO_NAME], None)
            }
            Op::IncReg { reg } => ([reg, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::IncLoop {
                reg, a, b, target, ..
            } => ([reg, a, b], (0, 0), [NO_NAME, NO_NAME], Some(target)),
            Op::IncLoopI { reg, a, target, .. } => {
                ([reg, a, NO_REG], (0, 0), [NO_NAME, NO_NAME], Some(target))
            }
            Op::Unset { start, n } => (
                [NO_REG, NO_REG, NO_REG],
                (start, u16::from(n)),
                [NO_NAME, NO_NAME],
                None,
            ),
            Op::LoadParam { dst, .. }
            | Op::LoadParamRange { dst, .. }
            | Op::LoadInfo { dst, .. } => ([dst, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::Concat { dst, start, n } | Op::JoinWords { dst, start, n } => {
                ([dst, NO_REG, NO_REG], (start, n), [NO_NAME, NO_NAME], None)
            }
            Op::ChanPrefix { dst, src } | Op::EvalText { dst, src } => {
                ([dst, src, NO_REG], (0, 0), [NO_NAME, NO_NAME], None)
            }
            Op::EvalTimes { dst, src, n } => ([dst, src, n], (0, 0), [NO_NAME, NO_NAME], None),
            Op::HaltIfNull { src } => ([src, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::Arith {
                dst, a, b, fail, ..
            }
            | Op::Add { dst, a, b, fail }
            | Op::Sub { dst, a, b, fail }
            | Op::Mul { dst, a, b, fail }
            | Op::Mod { dst, a, b, fail } => ([dst, a, b], (0, 0), [NO_NAME, NO_NAME], Some(fail)),
            Op::AddI { dst, a, fail, .. }
            | Op::SubI { dst, a, fail, .. }
            | Op::MulI { dst, a, fail, .. }
            | Op::ModI { dst, a, fail, .. } => {
                ([dst, a, NO_REG], (0, 0), [NO_NAME, NO_NAME], Some(fail))
            }
            Op::Neg { dst, src, fail } => {
                ([dst, src, NO_REG], (0, 0), [NO_NAME, NO_NAME], Some(fail))
            }
            Op::JumpCmpI { a, target, .. } => (
                [a, NO_REG, NO_REG],
                (0, 0),
                [NO_NAME, NO_NAME],
                Some(target),
            ),
            Op::JumpCmp { a, b, target, .. } => {
                ([a, b, NO_REG], (0, 0), [NO_NAME, NO_NAME], Some(target))
            }
            Op::JumpHostCmp {
                a, b, name, target, ..
            } => ([a, b, NO_REG], (0, 0), [name, NO_NAME], Some(target)),
            Op::JumpTruth { src, target, .. } => (
                [src, NO_REG, NO_REG],
                (0, 0),
                [NO_NAME, NO_NAME],
                Some(target),
            ),
            Op::Jump { target } | Op::Loop { target } | Op::Resume { target } => (
                [NO_REG, NO_REG, NO_REG],
                (0, 0),
                [NO_NAME, NO_NAME],
                Some(target),
            ),
            Op::GotoDyn { src } => ([src, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::CallIdent {
                dst,
                start,
                n,
                prop,
                ..
            } => (
                [dst, NO_REG, NO_REG],
                (start, u16::from(n)),
                [prop, NO_NAME],
                None,
            ),
            Op::RunCommand { start, n, .. } | Op::Echo { start, n, .. } => (
                [NO_REG, NO_REG, NO_REG],
                (start, u16::from(n)),
                [NO_NAME, NO_NAME],
                None,
            ),
            Op::RunCommandDyn { name, start, n, .. } => (
                [name, NO_REG, NO_REG],
                (start, u16::from(n)),
                [NO_NAME, NO_NAME],
                None,
            ),
            Op::Tokenize { delim, src } => ([delim, src, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::Intrinsic {
                dst,
                which,
                start,
                n,
                prop,
            } => (
                [dst, NO_REG, NO_REG],
                (start, u16::from(n)),
                [which, prop],
                None,
            ),
            Op::IntrinsicCmd {
                which, start, n, ..
            } => (
                [NO_REG, NO_REG, NO_REG],
                (start, u16::from(n)),
                [which, NO_NAME],
                None,
            ),
            Op::Return { src, .. } => ([src, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
            Op::Halt | Op::HaltDef => ([NO_REG, NO_REG, NO_REG], (0, 0), [NO_NAME, NO_NAME], None),
        };
        if let Some(r) = regs.iter().find(|r| !reg_ok(**r)) {
            return err(
                pc,
                format!("register r{r} out of range (frame has {})", c.nregs),
            );
        }
        let (s, n) = range;
        if !range_ok(s, n) {
            return err(pc, format!("register range r{s}..+{n} out of range"));
        }
        if let Some(n) = names.iter().find(|n| !name_ok(**n)) {
            return err(pc, format!("name n{n} out of range"));
        }
        if let Some(t) = target {
            if t > len {
                return err(pc, format!("jump target @{t} out of range"));
            }
        }
    }
    // Out-of-line blocks follow the final return and end in a `resume`.
    match c.code.last() {
        Some(Op::Return { .. } | Op::Halt | Op::Resume { .. }) => Ok(()),
        _ => err(c.code.len(), "code does not end in a return".to_string()),
    }
}

impl Op {
    /// The arithmetic instruction for `op`: [`Op::Add`], [`Op::Sub`], [`Op::Mul`], [`Op::Mod`]
    /// or the general [`Op::Arith`].
    pub fn arith(op: ArithOp, dst: Reg, a: Reg, b: Reg, fail: Pc) -> Op {
        match op {
            ArithOp::Add => Op::Add { dst, a, b, fail },
            ArithOp::Sub => Op::Sub { dst, a, b, fail },
            ArithOp::Mul => Op::Mul { dst, a, b, fail },
            ArithOp::Mod => Op::Mod { dst, a, b, fail },
            op => Op::Arith {
                op,
                dst,
                a,
                b,
                fail,
            },
        }
    }

    /// The arithmetic instruction for `op` with the integer `imm` as right operand, when there
    /// is one.
    pub fn arith_imm(op: ArithOp, dst: Reg, a: Reg, imm: i32, fail: Pc) -> Option<Op> {
        Some(match op {
            ArithOp::Add => Op::AddI { dst, a, imm, fail },
            ArithOp::Sub => Op::SubI { dst, a, imm, fail },
            ArithOp::Mul => Op::MulI { dst, a, imm, fail },
            ArithOp::Mod => Op::ModI { dst, a, imm, fail },
            _ => return None,
        })
    }

    /// The operator of an arithmetic instruction.
    pub fn arith_op(&self) -> Option<ArithOp> {
        match self {
            Op::Arith { op, .. } => Some(*op),
            Op::Add { .. } => Some(ArithOp::Add),
            Op::Sub { .. } => Some(ArithOp::Sub),
            Op::Mul { .. } => Some(ArithOp::Mul),
            Op::Mod { .. } => Some(ArithOp::Mod),
            Op::AddI { .. } => Some(ArithOp::Add),
            Op::SubI { .. } => Some(ArithOp::Sub),
            Op::MulI { .. } => Some(ArithOp::Mul),
            Op::ModI { .. } => Some(ArithOp::Mod),
            _ => None,
        }
    }

    /// Rewrites every register operand with `f` (used by the compiler to place registers).
    pub fn map_regs(&mut self, f: impl Fn(Reg) -> Reg) {
        match self {
            Op::LoadK { dst, .. }
            | Op::LoadParam { dst, .. }
            | Op::LoadParamRange { dst, .. }
            | Op::LoadInfo { dst, .. } => *dst = f(*dst),
            Op::Move { dst, src }
            | Op::ChanPrefix { dst, src }
            | Op::EvalText { dst, src }
            | Op::LoadVarDyn { dst, src }
            | Op::Neg { dst, src, .. } => {
                *dst = f(*dst);
                *src = f(*src);
            }
            Op::LoadLocalChecked { dst, slot, .. } => {
                *dst = f(*dst);
                *slot = f(*slot);
            }
            Op::LoadVar { dst, .. } => *dst = f(*dst),
            Op::StoreVar { slot, src, .. } => {
                *slot = f(*slot);
                *src = f(*src);
            }
            Op::StoreVarDyn { name_reg, src, .. } => {
                *name_reg = f(*name_reg);
                *src = f(*src);
            }
            Op::MathOrText { dst, a, b, .. }
            | Op::Arith { dst, a, b, .. }
            | Op::Add { dst, a, b, .. }
            | Op::Sub { dst, a, b, .. }
            | Op::Mul { dst, a, b, .. }
            | Op::Mod { dst, a, b, .. } => {
                *dst = f(*dst);
                *a = f(*a);
                *b = f(*b);
            }
            Op::IncVar { slot, by, .. } => {
                *slot = f(*slot);
                *by = f(*by);
            }
            Op::IncReg { reg } => *reg = f(*reg),
            Op::IncLoopI { reg, a, .. } => {
                *reg = f(*reg);
                *a = f(*a);
            }
            Op::AddI { dst, a, .. }
            | Op::SubI { dst, a, .. }
            | Op::MulI { dst, a, .. }
            | Op::ModI { dst, a, .. } => {
                *dst = f(*dst);
                *a = f(*a);
            }
            Op::JumpCmpI { a, .. } => *a = f(*a),
            Op::IncLoop { reg, a, b, .. } => {
                *reg = f(*reg);
                *a = f(*a);
                *b = f(*b);
            }
            Op::Unset { start, .. }
            | Op::RunCommand { start, .. }
            | Op::Echo { start, .. }
            | Op::IntrinsicCmd { start, .. } => *start = f(*start),
            Op::Concat { dst, start, .. }
            | Op::JoinWords { dst, start, .. }
            | Op::CallIdent { dst, start, .. }
            | Op::Intrinsic { dst, start, .. } => {
                *dst = f(*dst);
                *start = f(*start);
            }
            Op::EvalTimes { dst, src, n } => {
                *dst = f(*dst);
                *src = f(*src);
                *n = f(*n);
            }
            Op::HaltIfNull { src }
            | Op::GotoDyn { src }
            | Op::JumpTruth { src, .. }
            | Op::Return { src, .. } => *src = f(*src),
            Op::JumpCmp { a, b, .. } | Op::JumpHostCmp { a, b, .. } => {
                *a = f(*a);
                *b = f(*b);
            }
            Op::RunCommandDyn { name, start, .. } => {
                *name = f(*name);
                *start = f(*start);
            }
            Op::Tokenize { delim, src } => {
                *delim = f(*delim);
                *src = f(*src);
            }
            Op::Jump { .. } | Op::Loop { .. } | Op::Resume { .. } | Op::Halt | Op::HaltDef => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_catches_bad_targets_and_registers() {
        let mut c = Chunk {
            name: "t".into(),
            nregs: 2,
            code: vec![
                Op::Jump { target: 9 },
                Op::Return {
                    src: u16::MAX,
                    exact: false,
                },
            ],
            ..Chunk::default()
        };
        assert!(verify(&c).unwrap_err().message.contains("jump target"));
        c.code[0] = Op::Move { dst: 5, src: 0 };
        assert!(verify(&c).unwrap_err().message.contains("register r5"));
        c.code[0] = Op::Move { dst: 1, src: 0 };
        assert!(verify(&c).is_ok());
        assert!(disassemble(&c).contains("0000 move r1, r0"));
    }

    #[test]
    fn op_is_small() {
        assert_eq!(std::mem::size_of::<Op>(), 16);
        assert_eq!(std::mem::size_of::<Cmp>(), 1);
    }
}
