//! The AST of mSL scripts. Spans are byte offsets into the prepared text of one file
//! (see [`crate::source::Prepared`]), which maps them back to original lines and columns.

/// A byte range in the prepared text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// How an identifier is looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentMode {
    /// `$name`: custom alias first, then built-in.
    Normal,
    /// `$$name`: like normal, but an empty value halts the script.
    HaltIfEmpty,
    /// `$~name`: built-in only; unknown names give `$null`.
    BuiltinOnly,
    /// `$/name` or `$.name`: custom alias only.
    CustomOnly,
}

/// An identifier call, e.g. `$len(abc)` or `$hget(t,1).item`.
#[derive(Clone, Debug, PartialEq)]
pub struct IdentCall {
    /// Lower-case name without `$` (`eval` for `$(…)`).
    pub name: String,
    /// Arguments, `None` when written without parentheses.
    pub args: Option<Vec<Words>>,
    /// Source text of each argument, for identifiers that take code (`$iif`, `$regsubex`).
    pub raw_args: Vec<String>,
    /// Property after the closing parenthesis.
    pub prop: Option<String>,
    /// Lookup mode.
    pub mode: IdentMode,
    /// The condition of `$iif`, parsed from its first argument.
    pub condition: Option<Box<Condition>>,
    /// Where it is written.
    pub span: Span,
}

/// One piece of a word.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// `%name` (without `%`).
    Var(String),
    /// `$N`, `$N-`, `$N-M`; `halt` for `$$N`.
    Param {
        /// First parameter (0 = `$0`, the count).
        from: u32,
        /// `None`: just `$N`; `Some(None)`: `$N-`; `Some(Some(m))`: `$N-M`.
        to: Option<Option<u32>>,
        /// `$$N`: halt when empty.
        halt: bool,
    },
    /// An identifier call.
    Ident(Box<IdentCall>),
    /// `#` alone: the event's channel.
    Chan,
    /// `#$1`, `#%x`: the value with `#` prepended unless it already starts with `#`.
    ChanPrefixed(Box<Part>),
    /// `[ … ]`: the words evaluated `times` times in total (1 = once, as written).
    Bracket(Box<Words>, u8),
    /// Text built from pieces and then evaluated as code: the `$+` forms inside `[ ]`.
    DynEval(Vec<DynPiece>),
    /// An identifier call with spaced `[ ]` inside its parentheses, e.g. `$mid( [ %x ] )`:
    /// the groups are evaluated, the call's text is rebuilt around their values and then
    /// evaluated, so a group may supply commas and parentheses.
    DynCall(Vec<DynPiece>),
}

/// A piece of a [`Part::DynEval`].
#[derive(Clone, Debug, PartialEq)]
pub enum DynPiece {
    /// Taken literally.
    Lit(String),
    /// Evaluated once.
    Eval(Word),
}

/// A space-delimited word: its parts are joined with no space.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Word {
    /// The parts.
    pub parts: Vec<Part>,
    /// Where it is written.
    pub span: Span,
}

impl Word {
    /// The literal text if the word has no parts that need evaluation.
    pub fn literal(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(t) => s.push_str(t),
                _ => return None,
            }
        }
        Some(s)
    }
}

/// Words joined by single spaces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Words {
    /// The words.
    pub words: Vec<Word>,
    /// Where they are written.
    pub span: Span,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==` (case-insensitive; numeric when both are numbers).
    Eq,
    /// `===` (case-sensitive).
    EqCs,
    /// `<`.
    Lt,
    /// `>`.
    Gt,
    /// `<=`.
    Le,
    /// `>=`.
    Ge,
    /// `//`: v1 divides v2.
    Divides,
    /// `\\`: v1 does not divide v2.
    NotDivides,
    /// `&`: bitwise and is non-zero.
    BitAnd,
    /// `isin`.
    IsIn,
    /// `isincs`.
    IsInCs,
    /// `iswm`.
    IsWm,
    /// `iswmcs`.
    IsWmCs,
    /// `isnum [range]`.
    IsNum,
    /// `isletter [list]`.
    IsLetter,
    /// `isalnum`.
    IsAlnum,
    /// `isalpha`.
    IsAlpha,
    /// `islower`.
    IsLower,
    /// `isupper`.
    IsUpper,
    /// An operator answered by the host from IRC state (`ison`, `isop`, `ischan`, …); lower-case.
    Host(&'static str),
}

/// A condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// A comparison; `negate` for `!op` or a leading `!`.
    Cmp {
        /// Left operand.
        left: Words,
        /// The operator.
        op: CmpOp,
        /// Right operand (may be empty for one-operand tests like `isnum`).
        right: Words,
        /// Negated (`!=`, `!isin`).
        negate: bool,
    },
    /// A lone value tested for truth; `negate` for `!%x`.
    Truth {
        /// The value.
        value: Words,
        /// Negated.
        negate: bool,
    },
    /// `a && b`.
    And(Box<Condition>, Box<Condition>),
    /// `a || b`.
    Or(Box<Condition>, Box<Condition>),
    /// `!( … )`.
    Not(Box<Condition>),
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// A command line: name word plus argument words.
    Command(Command),
    /// `if … elseif … else …`.
    If {
        /// Each `(condition, body)` of `if` and its `elseif`s.
        arms: Vec<(Condition, Vec<Stmt>)>,
        /// The `else` body.
        otherwise: Option<Vec<Stmt>>,
        /// Where the `if` is.
        span: Span,
    },
    /// `while (cond) { … }`.
    While {
        /// Loop condition.
        cond: Condition,
        /// Body.
        body: Vec<Stmt>,
        /// Where the `while` is.
        span: Span,
    },
    /// `:label`.
    Label(String, Span),
    /// A bare `{ … }` block.
    Block(Vec<Stmt>),
}

/// A command statement, e.g. `.timer 1 5 echo hi`.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The command word (usually literal, may be evaluated).
    pub name: Word,
    /// Lower-case literal name, when the command word is literal (prefixes removed).
    pub literal_name: Option<String>,
    /// Argument words.
    pub args: Words,
    /// Source text of the arguments (for commands that store code: `/timer`, `/scon`).
    pub raw_args: String,
    /// `.` prefix: silent.
    pub silent: bool,
    /// `!` prefix: skip custom aliases.
    pub builtin_only: bool,
    /// Where the statement is.
    pub span: Span,
}

/// Event-level prefixes and level (`on !@^*:…`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLevel {
    /// `me:` was written.
    pub me: bool,
    /// `!`: not for my own actions.
    pub not_me: bool,
    /// `@`: only when I am an operator.
    pub need_op: bool,
    /// `&`: skip when already halted.
    pub skip_halted: bool,
    /// `^`: runs before the default action.
    pub pre: bool,
    /// `$`: the match text is a regex.
    pub regex: bool,
    /// `+N`: exactly that level.
    pub exact: bool,
    /// `=` prefix (kept, not acted on).
    pub equals: bool,
    /// Comparison prefix of BAN-type events (`<`, `>=`, …).
    pub compare: Option<String>,
    /// `*`, a number or a named level.
    pub level: String,
}

/// A match-text or target field of an event.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// Written literally (a wildcard pattern, regex text or target list).
    Text(String),
    /// `$(…)`, `%var` or `$ident`: evaluated when matching.
    Dynamic(Words),
}

/// Kind of an event-like definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `on LEVEL:NAME:…` with the upper-case event name.
    On(String),
    /// `ctcp LEVEL:…`.
    Ctcp,
    /// `raw NUMERIC:…` with the numeric or command word.
    Raw(String),
}

/// An event definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// What kind.
    pub kind: EventKind,
    /// Level and prefixes.
    pub level: EventLevel,
    /// Match text, when the event has one.
    pub matchtext: Option<Field>,
    /// Target / channel / window field, when the event has one.
    pub target: Option<Field>,
    /// Any other fields (e.g. `DIALOG`'s name, event and id).
    pub extra: Vec<Field>,
    /// Body.
    pub body: Vec<Stmt>,
    /// Where the header is.
    pub span: Span,
}

/// An alias definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    /// Lower-case name (without a leading `/`).
    pub name: String,
    /// `-l`: local to its file.
    pub local: bool,
    /// Body.
    pub body: Vec<Stmt>,
    /// Where the name is.
    pub span: Span,
}

/// One item of a popup menu.
#[derive(Clone, Debug, PartialEq)]
pub struct MenuEntry {
    /// Submenu depth (number of leading dots).
    pub depth: u8,
    /// Label text as written (evaluated when the menu opens); `-` for a separator.
    pub label: String,
    /// Command run when chosen.
    pub body: Vec<Stmt>,
}

/// A `menu` block or a popup INI section.
#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    /// Targets as written (`channel,query`, `@win`, `*`).
    pub targets: String,
    /// Entries in order.
    pub entries: Vec<MenuEntry>,
    /// Where the header is.
    pub span: Span,
}

/// A `dialog` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Dialog {
    /// Name.
    pub name: String,
    /// `-l`.
    pub local: bool,
    /// Each control line as `(keyword, rest)`.
    pub lines: Vec<(String, String)>,
    /// Where the header is.
    pub span: Span,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// An alias.
    Alias(Alias),
    /// An `on`, `ctcp` or `raw` definition.
    Event(Event),
    /// A popup menu.
    Menu(Menu),
    /// A dialog table.
    Dialog(Dialog),
    /// A users.ini entry: levels, mask, info.
    User {
        /// Comma-separated levels.
        levels: String,
        /// Address mask.
        mask: String,
        /// Info text.
        info: String,
    },
    /// A vars.ini entry.
    Variable {
        /// Name without `%`.
        name: String,
        /// Value text.
        value: String,
    },
}

/// An item with the `#group` it belongs to, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// The item.
    pub item: Item,
    /// Name of the enclosing `#group` (without `#`).
    pub group: Option<String>,
}
