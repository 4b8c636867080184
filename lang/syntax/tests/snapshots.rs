//! Parser snapshots: every good file of `tests/check/` (one without a `; diag:` line) is parsed
//! and its syntax tree, printed in the compact form below, must equal the committed
//! `tests/snapshots/FILE.ast` beside this test. The snapshots are the parser's specification:
//! review a changed one line by line before committing it.
//!
//! To write the snapshots again after a deliberate change:
//!
//! ```sh
//! RUSTIRC_BLESS=1 cargo test -p rustirc-syntax --test snapshots
//! git diff lang/syntax/tests/snapshots/
//! ```
//!
//! The form: each item and statement starts with `LINE:COL` in the original file. Literal text
//! is printed as written; everything evaluated is in braces: `{$1}`, `{%x}`, `{#}`, `{#$1}`,
//! `{$len({$1})}`, `{$hget(t,1).item}`, `{$$1}`, `{$~len(…)}`, `{$/x}`. `[ … ]` is an
//! evaluation bracket (`[×2 … ]` when evaluated twice) and `{dyn: "a" + {%b}}` text built from
//! pieces then evaluated (the `$+` forms inside brackets). A word holding a space is printed
//! in `«»`. Conditions are fully parenthesised; `$iif`'s condition is printed in `<>`.

use rustirc_syntax::ast::{
    CmpOp, Command, Condition, DynPiece, Event, EventKind, EventLevel, Field, IdentCall, IdentMode,
    Item, Part, Span, Stmt, Word, Words,
};
use rustirc_syntax::diag::Severity;
use rustirc_syntax::source::Prepared;
use std::fmt::Write;
use std::path::{Path, PathBuf};

struct Printer<'a> {
    p: &'a Prepared,
    out: String,
}

impl Printer<'_> {
    fn at(&self, span: Span) -> String {
        let (l, c) = self.p.position(span.start as usize);
        format!("{l}:{c}")
    }

    fn line(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "  ".repeat(depth));
    }

    fn stmts(&mut self, depth: usize, body: &[Stmt]) {
        for s in body {
            self.stmt(depth, s);
        }
    }

    fn stmt(&mut self, depth: usize, s: &Stmt) {
        match s {
            Stmt::Command(c) => {
                let t = format!("{} {}", self.at(c.span), command(c));
                self.line(depth, &t);
            }
            Stmt::If {
                arms,
                otherwise,
                span,
            } => {
                for (k, (cond, body)) in arms.iter().enumerate() {
                    let t = if k == 0 {
                        format!("{} if {}", self.at(*span), condition(cond))
                    } else {
                        format!("elseif {}", condition(cond))
                    };
                    self.line(depth, &t);
                    self.stmts(depth + 1, body);
                }
                if let Some(body) = otherwise {
                    self.line(depth, "else");
                    self.stmts(depth + 1, body);
                }
            }
            Stmt::While { cond, body, span } => {
                let t = format!("{} while {}", self.at(*span), condition(cond));
                self.line(depth, &t);
                self.stmts(depth + 1, body);
            }
            Stmt::Label(name, span) => {
                let t = format!("{} :{name}", self.at(*span));
                self.line(depth, &t);
            }
            Stmt::Block(body) => {
                self.line(depth, "block");
                self.stmts(depth + 1, body);
            }
        }
    }

    fn item(&mut self, item: &Item, group: Option<&str>) {
        let group = group.map_or(String::new(), |g| format!("  [#{g}]"));
        match item {
            Item::Alias(a) => {
                let local = if a.local { "-l " } else { "" };
                let t = format!("{} alias {local}{}{group}", self.at(a.span), a.name);
                self.line(0, &t);
                self.stmts(1, &a.body);
            }
            Item::Event(e) => {
                let t = format!("{} {}{group}", self.at(e.span), event_head(e));
                self.line(0, &t);
                self.stmts(1, &e.body);
            }
            Item::Menu(m) => {
                let t = format!("{} menu {}{group}", self.at(m.span), m.targets);
                self.line(0, &t);
                for e in &m.entries {
                    let t = format!("{}{:?}", ".".repeat(e.depth.into()), e.label);
                    self.line(1, &t);
                    self.stmts(2, &e.body);
                }
            }
            Item::Dialog(d) => {
                let local = if d.local { "-l " } else { "" };
                let t = format!("{} dialog {local}{}{group}", self.at(d.span), d.name);
                self.line(0, &t);
                for (kw, rest) in &d.lines {
                    self.line(1, &format!("{kw} {rest:?}"));
                }
            }
            Item::User { levels, mask, info } => {
                self.line(0, &format!("user {levels:?} {mask:?} {info:?}"));
            }
            Item::Variable { name, value } => {
                self.line(0, &format!("var %{name} = {value:?}"));
            }
        }
    }
}

fn command(c: &Command) -> String {
    let mut s = String::new();
    if c.silent {
        s.push('.');
    }
    if c.builtin_only {
        s.push('!');
    }
    match &c.literal_name {
        Some(n) => s.push_str(n),
        None => s.push_str(&word(&c.name)),
    }
    if !c.args.words.is_empty() {
        s.push(' ');
        s.push_str(&words(&c.args));
    }
    s
}

fn words(w: &Words) -> String {
    w.words.iter().map(word).collect::<Vec<_>>().join(" ")
}

fn word(w: &Word) -> String {
    let s: String = w.parts.iter().map(part).collect();
    if s.contains(' ') && !s.starts_with('{') && !s.starts_with('[') {
        format!("«{s}»")
    } else {
        s
    }
}

fn part(p: &Part) -> String {
    match p {
        Part::Lit(t) => t.clone(),
        Part::Var(n) => format!("{{%{n}}}"),
        Part::Param { from, to, halt } => {
            let h = if *halt { "$" } else { "" };
            let range = match to {
                None => String::new(),
                Some(None) => "-".to_string(),
                Some(Some(m)) => format!("-{m}"),
            };
            format!("{{${h}{from}{range}}}")
        }
        Part::Ident(call) => format!("{{{}}}", ident(call)),
        Part::Chan => "{#}".to_string(),
        Part::ChanPrefixed(inner) => {
            let i = part(inner);
            let i = i
                .strip_prefix('{')
                .and_then(|x| x.strip_suffix('}'))
                .unwrap_or(&i);
            format!("{{#{i}}}")
        }
        Part::Bracket(w, times) => {
            let n = if *times > 1 {
                format!("×{times}")
            } else {
                String::new()
            };
            format!("[{n} {} ]", words(w))
        }
        Part::DynEval(pieces) | Part::DynCall(pieces) => {
            let kind = if matches!(p, Part::DynCall(_)) {
                "call"
            } else {
                "dyn"
            };
            let ps: Vec<String> = pieces
                .iter()
                .map(|p| match p {
                    DynPiece::Lit(t) => format!("{t:?}"),
                    DynPiece::Eval(w) => word(w),
                })
                .collect();
            format!("{{{kind}: {}}}", ps.join(" + "))
        }
    }
}

fn ident(c: &IdentCall) -> String {
    let mode = match c.mode {
        IdentMode::Normal => "$",
        IdentMode::HaltIfEmpty => "$$",
        IdentMode::BuiltinOnly => "$~",
        IdentMode::CustomOnly => "$/",
    };
    let mut s = format!("{mode}{}", c.name);
    if let Some(args) = &c.args {
        let mut list: Vec<String> = args.iter().map(words).collect();
        if let (Some(cond), Some(first)) = (&c.condition, list.first_mut()) {
            *first = format!("<{}>", condition(cond));
        }
        let _ = write!(s, "({})", list.join(","));
    }
    if let Some(p) = &c.prop {
        let _ = write!(s, ".{p}");
    }
    s
}

fn op(o: CmpOp) -> &'static str {
    match o {
        CmpOp::Eq => "==",
        CmpOp::EqCs => "===",
        CmpOp::Lt => "<",
        CmpOp::Gt => ">",
        CmpOp::Le => "<=",
        CmpOp::Ge => ">=",
        CmpOp::Divides => "//",
        CmpOp::NotDivides => "\\\\",
        CmpOp::BitAnd => "&",
        CmpOp::IsIn => "isin",
        CmpOp::IsInCs => "isincs",
        CmpOp::IsWm => "iswm",
        CmpOp::IsWmCs => "iswmcs",
        CmpOp::IsNum => "isnum",
        CmpOp::IsLetter => "isletter",
        CmpOp::IsAlnum => "isalnum",
        CmpOp::IsAlpha => "isalpha",
        CmpOp::IsLower => "islower",
        CmpOp::IsUpper => "isupper",
        CmpOp::Host(name) => name,
    }
}

fn condition(c: &Condition) -> String {
    match c {
        Condition::Cmp {
            left,
            op: o,
            right,
            negate,
        } => {
            let bang = if *negate { "!" } else { "" };
            let mut s = format!("({} {bang}{}", words(left), op(*o));
            if !right.words.is_empty() {
                s.push(' ');
                s.push_str(&words(right));
            }
            s.push(')');
            s
        }
        Condition::Truth { value, negate } => {
            let bang = if *negate { "!" } else { "" };
            format!("({bang}{})", words(value))
        }
        Condition::And(a, b) => format!("({} && {})", condition(a), condition(b)),
        Condition::Or(a, b) => format!("({} || {})", condition(a), condition(b)),
        Condition::Not(a) => format!("!{}", condition(a)),
    }
}

fn level(l: &EventLevel) -> String {
    let mut s = String::new();
    if l.me {
        s.push_str("me:");
    }
    for (on, c) in [
        (l.not_me, '!'),
        (l.need_op, '@'),
        (l.skip_halted, '&'),
        (l.pre, '^'),
        (l.regex, '$'),
        (l.exact, '+'),
        (l.equals, '='),
    ] {
        if on {
            s.push(c);
        }
    }
    if let Some(c) = &l.compare {
        s.push_str(c);
    }
    s.push_str(&l.level);
    s
}

fn field(f: &Field) -> String {
    match f {
        Field::Text(t) => format!("{t:?}"),
        Field::Dynamic(w) => format!("dyn {}", words(w)),
    }
}

fn event_head(e: &Event) -> String {
    let mut s = match &e.kind {
        EventKind::On(name) => format!("on {}:{name}", level(&e.level)),
        EventKind::Ctcp => format!("ctcp {}", level(&e.level)),
        EventKind::Raw(n) => format!("raw {n}"),
    };
    if let Some(m) = &e.matchtext {
        let _ = write!(s, " match={}", field(m));
    }
    if let Some(t) = &e.target {
        let _ = write!(s, " target={}", field(t));
    }
    for x in &e.extra {
        let _ = write!(s, " field={}", field(x));
    }
    s
}

/// The snapshot text of one file.
fn snapshot(bytes: &[u8]) -> Result<String, String> {
    let parsed = rustirc_syntax::parse_bytes(bytes);
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let l = rustirc_syntax::diag::locate(&parsed.prepared, d);
            format!("{}:{}: {}", l.line, l.col, l.message)
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let mut pr = Printer {
        p: &parsed.prepared,
        out: String::new(),
    };
    pr.line(0, &format!("kind: {}", parsed.prepared.kind.name()));
    if !parsed.groups.is_empty() {
        let gs: Vec<String> = parsed
            .groups
            .iter()
            .map(|(g, on)| format!("#{g} {}", if *on { "on" } else { "off" }))
            .collect();
        pr.line(0, &format!("groups: {}", gs.join(", ")));
    }
    for located in &parsed.items {
        pr.line(0, "");
        pr.item(&located.item, located.group.as_deref());
    }
    Ok(pr.out)
}

fn good_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/check")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let text = rustirc_syntax::source::decode(&std::fs::read(p).expect("read"));
            !text.contains("; diag:")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn good_files_match_their_snapshots() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = here.join("../../tests/check");
    let snaps = here.join("tests/snapshots");
    let bless = std::env::var_os("RUSTIRC_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let files = good_files(&dir);
    assert!(files.len() >= 10, "too few good files in tests/check");
    let mut failures = Vec::new();
    let mut expected_names = Vec::new();
    for f in &files {
        let name = format!(
            "{}.ast",
            f.file_name().unwrap_or_default().to_string_lossy()
        );
        expected_names.push(name.clone());
        let have = match snapshot(&std::fs::read(f).expect("read")) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!(
                    "{}: parse errors in a good file:\n{e}",
                    f.display()
                ));
                continue;
            }
        };
        let path = snaps.join(&name);
        if bless {
            std::fs::create_dir_all(&snaps).expect("snapshots folder");
            std::fs::write(&path, &have).expect("write snapshot");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == have => {}
            Ok(want) => {
                let first = want
                    .lines()
                    .zip(have.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.lines().count().min(have.lines().count()));
                failures.push(format!(
                    "{name}: differs from line {}:\n  snapshot: {:?}\n  parsed:   {:?}",
                    first + 1,
                    want.lines().nth(first).unwrap_or("<end>"),
                    have.lines().nth(first).unwrap_or("<end>"),
                ));
            }
            Err(_) => failures.push(format!("{name}: no snapshot")),
        }
    }
    if !bless {
        if let Ok(entries) = std::fs::read_dir(&snaps) {
            for e in entries {
                let n = e.expect("entry").file_name().to_string_lossy().to_string();
                if !expected_names.contains(&n) {
                    failures.push(format!("{n}: snapshot of no good file in tests/check"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(after a deliberate change: RUSTIRC_BLESS=1 cargo test -p rustirc-syntax --test snapshots, then review the diff)",
        failures.join("\n")
    );
}
