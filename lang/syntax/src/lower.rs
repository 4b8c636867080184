//! Lowering: pest pairs to the AST. Each function names the rule it consumes.
//!
//! pest's `Pair`/`Rule` stay private to this crate.

use crate::ast::{
    CmpOp, Command, Condition, DynPiece, IdentCall, IdentMode, Part, Span, Stmt, Word, Words,
};
use crate::diag::Diagnostic;
use crate::Rule;
use pest::iterators::Pair;

/// Lowering context: the text being parsed and its offset in the prepared file.
pub(crate) struct Lx<'s> {
    /// The parsed text (the item, or dynamic text).
    pub src: &'s str,
    /// Offset of `src` in the prepared text.
    pub base: usize,
    /// Problems found while lowering (e.g. `else` without `if`).
    pub diags: Vec<Diagnostic>,
    /// Spans of the `if` statements written as `else if (…)` without braces.
    else_ifs: Vec<Span>,
}

/// The `if` statement a following `else` or `elseif` belongs to: `last` when it is an `if`
/// without an `else` yet, or, through an unbraced `else if` chain, the innermost such `if`.
fn open_if<'a>(last: Option<&'a mut Stmt>, else_ifs: &[Span]) -> Option<&'a mut Stmt> {
    let stmt = last?;
    let inner = match stmt {
        Stmt::If {
            otherwise: None, ..
        } => return Some(stmt),
        Stmt::If {
            otherwise: Some(body),
            ..
        } => match body.as_mut_slice() {
            [inner @ Stmt::If { .. }] => inner,
            _ => return None,
        },
        _ => return None,
    };
    match inner {
        Stmt::If { span, .. } if else_ifs.contains(span) => open_if(Some(inner), else_ifs),
        _ => None,
    }
}

impl<'s> Lx<'s> {
    pub(crate) fn new(src: &'s str, base: usize) -> Lx<'s> {
        Lx {
            src,
            base,
            diags: Vec::new(),
            else_ifs: Vec::new(),
        }
    }

    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    // ------------------------------------------------------------------------ statements

    // stmts = { sep* ~ (stmt ~ sep*)* }
    pub(crate) fn stmts(&mut self, p: Pair<'_, Rule>) -> Vec<Stmt> {
        let mut out: Vec<Stmt> = Vec::new();
        for s in p.into_inner() {
            self.stmt_into(s, &mut out);
        }
        out
    }

    fn stmt_into(&mut self, s: Pair<'_, Rule>, out: &mut Vec<Stmt>) {
        match s.as_rule() {
            Rule::comment => {}
            Rule::label => {
                let span = self.span(&s);
                let name = s
                    .into_inner()
                    .next()
                    .map(|n| n.as_str().to_ascii_lowercase())
                    .unwrap_or_default();
                out.push(Stmt::Label(name, span));
            }
            Rule::if_stmt => {
                let span = self.span(&s);
                let (cond, body) = self.cond_branch(s);
                out.push(Stmt::If {
                    arms: vec![(cond, body)],
                    otherwise: None,
                    span,
                });
            }
            Rule::elseif_stmt => {
                let span = self.span(&s);
                let (cond, body) = self.cond_branch(s);
                match open_if(out.last_mut(), &self.else_ifs) {
                    Some(Stmt::If { arms, .. }) => arms.push((cond, body)),
                    _ => self
                        .diags
                        .push(Diagnostic::error(span, "elseif without a preceding if")),
                }
            }
            Rule::else_stmt => {
                let span = self.span(&s);
                let branch = s.into_inner().next();
                // `else if (…) cmd` without braces: an `else`/`elseif` on a later line continues
                // the inner `if`, as mIRC runs it (the chain reads like `elseif`).
                let else_if = branch.as_ref().is_some_and(|b| {
                    b.clone()
                        .into_inner()
                        .next()
                        .is_some_and(|q| q.as_rule() == Rule::if_stmt)
                });
                let body = branch.map(|b| self.branch(b)).unwrap_or_default();
                match open_if(out.last_mut(), &self.else_ifs) {
                    Some(Stmt::If { otherwise, .. }) => {
                        if else_if {
                            if let Some(Stmt::If { span, .. }) = body.first() {
                                self.else_ifs.push(*span);
                            }
                        }
                        *otherwise = Some(body);
                    }
                    _ => self
                        .diags
                        .push(Diagnostic::error(span, "else without a preceding if")),
                }
            }
            Rule::while_stmt => {
                let span = self.span(&s);
                let (cond, body) = self.cond_branch(s);
                out.push(Stmt::While { cond, body, span });
            }
            Rule::block => out.push(Stmt::Block(self.block(s))),
            Rule::command => out.push(Stmt::Command(self.command(s))),
            Rule::stmts => {
                for inner in s.into_inner() {
                    self.stmt_into(inner, out);
                }
            }
            _ => {}
        }
    }

    // if_stmt = { "if" ~ condition ~ branch } (also elseif_stmt, while_stmt)
    fn cond_branch(&mut self, s: Pair<'_, Rule>) -> (Condition, Vec<Stmt>) {
        let mut inner = s.into_inner();
        let cond = inner
            .next()
            .map(|c| self.condition(c))
            .unwrap_or(Condition::Truth {
                value: Words::default(),
                negate: false,
            });
        let body = inner.next().map(|b| self.branch(b)).unwrap_or_default();
        (cond, body)
    }

    // branch = { block | single }
    fn branch(&mut self, b: Pair<'_, Rule>) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in b.into_inner() {
            match s.as_rule() {
                Rule::block => out.extend(self.block(s)),
                _ => self.stmt_into(s, &mut out),
            }
        }
        out
    }

    // block = { "{" ~ stmts ~ "}" }
    pub(crate) fn block(&mut self, b: Pair<'_, Rule>) -> Vec<Stmt> {
        match b.into_inner().next() {
            Some(st) => self.stmts(st),
            None => Vec::new(),
        }
    }

    // command = { cmd_prefix? ~ cword ~ (sp+ ~ cword)* }
    fn command(&mut self, c: Pair<'_, Rule>) -> Command {
        let span = self.span(&c);
        let mut silent = false;
        let mut builtin_only = false;
        let mut toks = Vec::new();
        let mut name: Option<Word> = None;
        let mut args_start = None;
        for p in c.into_inner() {
            match p.as_rule() {
                Rule::cmd_prefix => {
                    silent = p.as_str().contains('.');
                    builtin_only = p.as_str().contains('!');
                }
                Rule::cword => {
                    if name.is_none() && toks.is_empty() {
                        let t = self.cword(p);
                        if matches!(t, Tok::Open) {
                            toks.push(t);
                            continue;
                        }
                        name = Some(match t {
                            Tok::Word(w) => w,
                            other => Word {
                                parts: vec![Part::Lit(other.text().to_string())],
                                span,
                            },
                        });
                    } else {
                        if args_start.is_none() {
                            args_start = Some(p.as_span().start());
                        }
                        toks.push(self.cword(p));
                    }
                }
                _ => {}
            }
        }
        let mut args = None;
        // `timer $+ %name 1 5 …`: text joined to the command word makes the command's name.
        let joined = name.is_some() && matches!(toks.first(), Some(Tok::Join));
        if let Some(n) = name.take_if(|_| joined) {
            toks.insert(0, Tok::Word(n));
        }
        if name.is_none() && (joined || matches!(toks.first(), Some(Tok::Open))) {
            // `[ %cmd ] args`: the bracket is evaluated first and gives the command's name.
            let mut words = self.words_from(toks).words.into_iter();
            name = words.next();
            let rest: Vec<Word> = words.collect();
            args = Some(Words {
                span: match (rest.first(), rest.last()) {
                    (Some(f), Some(l)) => Span {
                        start: f.span.start,
                        end: l.span.end,
                    },
                    _ => Span::new(self.base, self.base),
                },
                words: rest,
            });
            toks = Vec::new();
        }
        let mut name = name.unwrap_or_default();
        // `{echo x}`: a brace glued to the command is never a block (mIRC would send a
        // command named `{echo` to the server).
        if let Some(Part::Lit(t)) = name.parts.first() {
            if t.len() > 1 && t.starts_with('{') {
                self.diags.push(Diagnostic::error(
                    Span::new(name.span.start as usize, name.span.start as usize + 1),
                    "{ must be separated by spaces from the text around it",
                ));
            }
        }
        // `.echo` written as one word with the prefix: the grammar keeps prefixes apart, but a
        // literal name may still carry `!`/`.` from dynamic text.
        let literal_name = match name.parts.as_mut_slice() {
            // One literal part, the usual name: lowered in place.
            [Part::Lit(t)] => {
                let n = t.trim_start_matches(['/', '.', '!']).to_ascii_lowercase();
                t.clone_from(&n);
                Some(n)
            }
            _ => name
                .literal()
                .map(|n| n.trim_start_matches(['/', '.', '!']).to_ascii_lowercase()),
        };
        if name.parts.len() != 1 {
            if let Some(n) = &literal_name {
                name.parts = vec![Part::Lit(n.clone())];
            }
        }
        let raw_args = args_start.map_or(String::new(), |s| {
            self.src[s..c_end(span, self.base)].to_string()
        });
        let args = match args {
            Some(a) => a,
            None => self.words_from(toks),
        };
        Command {
            name,
            literal_name,
            args,
            raw_args,
            silent,
            builtin_only,
            span,
        }
    }

    // ------------------------------------------------------------------------ words

    /// Lowers a `cword` or `dword` pair.
    pub(crate) fn cword_pub(&mut self, p: Pair<'_, Rule>) -> Tok {
        self.cword(p)
    }

    // cword = { join_word | bracket_word | (sigil_c ~ glue?) | lit }
    fn cword(&mut self, p: Pair<'_, Rule>) -> Tok {
        let span = self.span(&p);
        let mut parts = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::join_word => return Tok::Join,
                Rule::bracket_word => return Tok::bracket(q.as_str()),
                Rule::glue => {
                    let mut g = q.as_str();
                    if matches!(parts.last(), Some(Part::Param { .. })) {
                        g = param_glue(g);
                    }
                    if !g.is_empty() {
                        parts.push(Part::Lit(g.to_string()));
                    }
                }
                _ => self.part_into(q, &mut parts),
            }
        }
        Tok::Word(Word { parts, span })
    }

    // aword / pword = { join_word | bracket_word | (seg_first ~ seg*) }
    fn seg_word(&mut self, p: Pair<'_, Rule>) -> Tok {
        let span = self.span(&p);
        let mut parts = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::join_word => return Tok::Join,
                Rule::bracket_word => return Tok::bracket(q.as_str()),
                Rule::alit | Rule::plit => {
                    let mut g = q.as_str();
                    if matches!(parts.last(), Some(Part::Param { .. })) {
                        g = param_glue(g);
                    }
                    push_lit(&mut parts, g);
                }
                Rule::paren_group => self.paren_group(q, &mut parts),
                _ => self.part_into(q, &mut parts),
            }
        }
        Tok::Word(Word { parts, span })
    }

    // paren_group = { "(" ~ (pword ~ (sp+ ~ pword)*)? ~ ")" }
    fn paren_group(&mut self, q: Pair<'_, Rule>, parts: &mut Vec<Part>) {
        push_lit(parts, "(");
        let toks: Vec<Tok> = q.into_inner().map(|w| self.seg_word(w)).collect();
        let words = self.words_from(toks);
        for (i, w) in words.words.into_iter().enumerate() {
            if i > 0 {
                push_lit(parts, " ");
            }
            for part in w.parts {
                match part {
                    Part::Lit(t) => push_lit(parts, &t),
                    other => parts.push(other),
                }
            }
        }
        push_lit(parts, ")");
    }

    // sigil parts: param | ident_escaped | ident | cvar | avar | chan_ref
    fn part_into(&mut self, q: Pair<'_, Rule>, parts: &mut Vec<Part>) {
        match q.as_rule() {
            Rule::param => parts.push(param(q)),
            Rule::ident_escaped => {
                // `$!name` yields `$name`: one `!` removed per evaluation.
                let t = q.as_str();
                push_lit(parts, &format!("${}", &t[2..]));
            }
            Rule::ident => match spaced_brackets(q.as_str()) {
                Some(pieces) => parts.push(Part::DynCall(pieces)),
                None => parts.push(Part::Ident(Box::new(self.ident(q)))),
            },
            Rule::cvar | Rule::avar => parts.push(Part::Var(q.as_str()[1..].to_string())),
            Rule::chan_ref_c | Rule::chan_ref_a => {
                let mut inner = Vec::new();
                for r in q.into_inner() {
                    self.part_into(r, &mut inner);
                }
                match inner.pop() {
                    Some(p) => parts.push(Part::ChanPrefixed(Box::new(p))),
                    None => parts.push(Part::Chan),
                }
            }
            Rule::dcc_ref_c => {
                push_lit(parts, "=");
                for r in q.into_inner() {
                    self.part_into(r, parts);
                }
            }
            Rule::lit | Rule::alit | Rule::plit | Rule::glue => push_lit(parts, q.as_str()),
            _ => push_lit(parts, q.as_str()),
        }
    }

    // ident = { "$" ~ ident_mode? ~ ((ident_name ~ args?) | args) ~ prop? }
    fn ident(&mut self, q: Pair<'_, Rule>) -> IdentCall {
        let span = self.span(&q);
        // The name is set from `ident_name`; `$(…)` has none and is `eval`.
        let mut call = IdentCall {
            name: String::new(),
            args: None,
            raw_args: Vec::new(),
            prop: None,
            mode: IdentMode::Normal,
            condition: None,
            span,
        };
        for r in q.into_inner() {
            match r.as_rule() {
                Rule::ident_mode => {
                    call.mode = match r.as_str() {
                        "$" => IdentMode::HaltIfEmpty,
                        "~" => IdentMode::BuiltinOnly,
                        _ => IdentMode::CustomOnly,
                    }
                }
                Rule::ident_name => call.name = r.as_str().to_ascii_lowercase(),
                Rule::args => {
                    let mut list = Vec::new();
                    for a in r.into_inner() {
                        call.raw_args.push(a.as_str().trim().to_string());
                        let mut toks: Vec<Tok> = a.into_inner().map(|w| self.seg_word(w)).collect();
                        if call.name == "calc" {
                            calc_join_is_text(&mut toks);
                        }
                        list.push(self.words_from(toks));
                    }
                    call.args = Some(list);
                }
                Rule::ident_prompt => {
                    // `$?="text"`: the prompt is the one argument, evaluated like a command's
                    // words; `$?*` and `$?!` keep their mark in the name.
                    for q in r.into_inner() {
                        match q.as_rule() {
                            Rule::prompt_kind => call.name.push_str(q.as_str()),
                            Rule::prompt_text => {
                                let text = q.as_str();
                                call.raw_args.push(text.to_string());
                                let mut sub = Lx::new(text, self.base + q.as_span().start());
                                let words = match crate::pest_parse(Rule::dyn_words, text) {
                                    Ok(mut pairs) => {
                                        let toks = pairs
                                            .next()
                                            .map(|top| {
                                                top.into_inner()
                                                    .filter(|w| w.as_rule() == Rule::dword)
                                                    .map(|w| sub.cword_pub(w))
                                                    .collect()
                                            })
                                            .unwrap_or_default();
                                        sub.words_from(toks)
                                    }
                                    Err(_) => Words::default(),
                                };
                                self.diags.append(&mut sub.diags);
                                call.args = Some(vec![words]);
                            }
                            _ => {}
                        }
                    }
                }
                Rule::prop => {
                    call.prop = r
                        .into_inner()
                        .next()
                        .map(|n| n.as_str().to_ascii_lowercase());
                }
                _ => {}
            }
        }
        if call.name.is_empty() {
            call.name.push_str("eval");
        }
        if call.name == "iif" {
            if let Some(raw) = call.raw_args.first() {
                let start = span.start as usize - self.base
                    + call_args_offset(&self.src[span.start as usize - self.base..]);
                match crate::pest_parse(Rule::iif_condition, raw) {
                    Ok(mut pairs) => {
                        let mut sub = Lx::new(raw, self.base + start);
                        let cond = pairs
                            .next()
                            .and_then(|p| p.into_inner().next())
                            .map(|c| sub.cond_expr(c));
                        call.condition = cond.map(Box::new);
                    }
                    Err(e) => self.diags.push(Diagnostic::error(
                        span,
                        format!("bad condition in $iif: {}", crate::pest_message(&e)),
                    )),
                }
            }
        }
        call
    }

    /// Builds words from tokens: `$+` joins neighbours, `[ ]` groups become bracket parts.
    pub(crate) fn words_from(&mut self, toks: Vec<Tok>) -> Words {
        let span = Span::new(self.base, self.base);
        // Plain words (no `$+`, no brackets), by far the most common case, are the words.
        let words = if toks.iter().all(|t| matches!(t, Tok::Word(_))) {
            toks.into_iter()
                .map(|t| match t {
                    Tok::Word(w) => w,
                    _ => unreachable!("only words"),
                })
                .collect()
        } else {
            let tree = bracket_tree(toks);
            self.flatten(tree)
        };
        let mut words = Words { words, span };
        if let (Some(f), Some(l)) = (words.words.first(), words.words.last()) {
            words.span = Span {
                start: f.span.start,
                end: l.span.end,
            };
        }
        words
    }

    fn flatten(&mut self, nodes: Vec<Node>) -> Vec<Word> {
        let mut out: Vec<Word> = Vec::new();
        let mut join_next = false;
        let n = nodes.len();
        let mut iter = nodes.into_iter().enumerate().peekable();
        while let Some((i, node)) = iter.next() {
            let _ = (i, n);
            match node {
                Node::Join => join_next = !out.is_empty(),
                Node::Word(w) => {
                    if join_next {
                        if let Some(last) = out.last_mut() {
                            last.span.end = w.span.end;
                            last.parts.extend(w.parts);
                        }
                        join_next = false;
                    } else {
                        out.push(w);
                    }
                }
                Node::Group(inner, span) => {
                    let leading_join = matches!(inner.first(), Some(Node::Join));
                    let has_join = inner.iter().any(|x| matches!(x, Node::Join));
                    let part = if leading_join {
                        // `A [ $+ B ]`: A and B literal, then the joined text is evaluated.
                        let mut pieces = Vec::new();
                        if let Some(prev) = out.pop() {
                            pieces.push(DynPiece::Lit(self.text_of(prev.span)));
                        }
                        self.dyn_pieces(inner, false, &mut pieces);
                        Part::DynEval(pieces)
                    } else if has_join {
                        // `[ A $+ B ]`: A evaluated once, B literal, then the join is evaluated.
                        let mut pieces = Vec::new();
                        self.dyn_pieces(inner, true, &mut pieces);
                        Part::DynEval(pieces)
                    } else {
                        let (words, times) = self.bracket_words(inner);
                        Part::Bracket(Box::new(words), times)
                    };
                    let w = Word {
                        parts: vec![part],
                        span,
                    };
                    if leading_join || join_next {
                        if leading_join {
                            out.push(w);
                        } else if let Some(last) = out.last_mut() {
                            last.parts.extend(w.parts);
                        }
                        join_next = false;
                    } else {
                        out.push(w);
                    }
                }
            }
            let _ = iter.peek();
        }
        out
    }

    fn bracket_words(&mut self, inner: Vec<Node>) -> (Words, u8) {
        // `[ [ x ] ]` with no bare space evaluates one more time.
        if inner.len() == 1 {
            if let Some(Node::Group(_, _)) = inner.first() {
                let Some(Node::Group(g, _)) = inner.into_iter().next() else {
                    unreachable!()
                };
                let (w, t) = self.bracket_words(g);
                let t = if w.words.len() == 1 {
                    t.saturating_add(1)
                } else {
                    t
                };
                return (w, t);
            }
        }
        let words = self.flatten(inner);
        (
            Words {
                span: words.first().map_or(Span::default(), |f| Span {
                    start: f.span.start,
                    end: words.last().map_or(f.span.end, |l| l.span.end),
                }),
                words,
            },
            1,
        )
    }

    fn dyn_pieces(&mut self, inner: Vec<Node>, first_evaluated: bool, pieces: &mut Vec<DynPiece>) {
        let mut first = first_evaluated;
        for node in inner {
            match node {
                Node::Join => {}
                Node::Word(w) => {
                    if first {
                        pieces.push(DynPiece::Eval(w));
                    } else {
                        pieces.push(DynPiece::Lit(self.text_of(w.span)));
                    }
                    first = false;
                }
                Node::Group(g, span) => {
                    let (words, times) = self.bracket_words(g);
                    pieces.push(DynPiece::Eval(Word {
                        parts: vec![Part::Bracket(Box::new(words), times)],
                        span,
                    }));
                    first = false;
                }
            }
        }
    }

    fn text_of(&self, span: Span) -> String {
        let s = (span.start as usize).saturating_sub(self.base);
        let e = (span.end as usize).saturating_sub(self.base);
        self.src.get(s..e).unwrap_or("").to_string()
    }

    // ------------------------------------------------------------------------ conditions

    // condition = { cond_group ~ (logic_op ~ cond_group)* }
    pub(crate) fn condition(&mut self, c: Pair<'_, Rule>) -> Condition {
        self.logic_chain(c)
    }

    // cond_expr = { cond_term ~ (logic_op ~ cond_term)* }
    pub(crate) fn cond_expr(&mut self, c: Pair<'_, Rule>) -> Condition {
        self.logic_chain(c)
    }

    fn logic_chain(&mut self, c: Pair<'_, Rule>) -> Condition {
        let mut acc: Option<Condition> = None;
        let mut op = "";
        for p in c.into_inner() {
            match p.as_rule() {
                Rule::logic_op => op = if p.as_str() == "&&" { "&&" } else { "||" },
                _ => {
                    let next = self.cond_piece(p);
                    acc = Some(match acc {
                        None => next,
                        Some(prev) if op == "&&" => Condition::And(Box::new(prev), Box::new(next)),
                        Some(prev) => Condition::Or(Box::new(prev), Box::new(next)),
                    });
                }
            }
        }
        acc.unwrap_or(Condition::Truth {
            value: Words::default(),
            negate: false,
        })
    }

    fn cond_piece(&mut self, p: Pair<'_, Rule>) -> Condition {
        match p.as_rule() {
            // cond_group = { cond_not? ~ "(" ~ cond_expr ~ ")" }
            Rule::cond_group => {
                let mut neg = false;
                let mut inner_cond = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::cond_not => neg = true,
                        Rule::cond_expr => inner_cond = Some(self.cond_expr(q)),
                        _ => {}
                    }
                }
                let c = inner_cond.unwrap_or(Condition::Truth {
                    value: Words::default(),
                    negate: false,
                });
                if neg {
                    Condition::Not(Box::new(c))
                } else {
                    c
                }
            }
            Rule::comparison => self.comparison(p),
            Rule::cond_expr => self.cond_expr(p),
            _ => Condition::Truth {
                value: Words::default(),
                negate: false,
            },
        }
    }

    // comparison = { cond_not? ~ operand? ~ (cmp_op ~ operand?)? }
    fn comparison(&mut self, p: Pair<'_, Rule>) -> Condition {
        let mut neg = false;
        let mut left = None;
        let mut op = None;
        let mut right = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::cond_not => neg = true,
                Rule::operand => {
                    let toks: Vec<Tok> = q.into_inner().map(|w| self.seg_word(w)).collect();
                    let w = self.words_from(toks);
                    if op.is_none() {
                        left = Some(w);
                    } else {
                        right = Some(w);
                    }
                }
                Rule::cmp_op => op = Some(q.as_str().to_ascii_lowercase()),
                _ => {}
            }
        }
        match op {
            None => Condition::Truth {
                value: left.unwrap_or_default(),
                negate: neg,
            },
            Some(o) => {
                let (bang, name) = match o.strip_prefix('!') {
                    Some(rest) if rest != "=" && !rest.is_empty() => (true, rest.to_string()),
                    _ => (false, o.clone()),
                };
                let (op, neg_op) = cmp_op(&name);
                let c = Condition::Cmp {
                    left: left.unwrap_or_default(),
                    op,
                    right: right.unwrap_or_default(),
                    negate: bang ^ neg_op,
                };
                if neg {
                    Condition::Not(Box::new(c))
                } else {
                    c
                }
            }
        }
    }
}

fn c_end(span: Span, base: usize) -> usize {
    span.end as usize - base
}

/// Offset of the text after `$name(` within an identifier's source.
fn call_args_offset(s: &str) -> usize {
    s.find('(').map_or(0, |i| i + 1)
}

/// `$1foo2bar` → `bar`: glued text containing a digit is swallowed through its last digit.
fn param_glue(g: &str) -> &str {
    match g.rfind(|c: char| c.is_ascii_digit()) {
        Some(i) => &g[i + 1..],
        None => g,
    }
}

fn push_lit(parts: &mut Vec<Part>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Part::Lit(prev)) = parts.last_mut() {
        prev.push_str(s);
    } else {
        parts.push(Part::Lit(s.to_string()));
    }
}

// param = { "$" ~ param_halt? ~ param_from ~ (param_dash ~ param_to?)? }
fn param(q: Pair<'_, Rule>) -> Part {
    let mut halt = false;
    let mut from = 0;
    let mut to = None;
    for r in q.into_inner() {
        match r.as_rule() {
            Rule::param_halt => halt = true,
            Rule::param_from => from = r.as_str().parse().unwrap_or(u32::MAX),
            Rule::param_dash => to = Some(None),
            Rule::param_to => to = Some(Some(r.as_str().parse().unwrap_or(u32::MAX))),
            _ => {}
        }
    }
    Part::Param { from, to, halt }
}

/// Maps an operator word to its kind; the bool is true for operators that are negations
/// themselves (`!=`).
fn cmp_op(name: &str) -> (CmpOp, bool) {
    match name {
        "==" => (CmpOp::Eq, false),
        "!=" => (CmpOp::Eq, true),
        "===" => (CmpOp::EqCs, false),
        "<" => (CmpOp::Lt, false),
        ">" => (CmpOp::Gt, false),
        "<=" => (CmpOp::Le, false),
        ">=" => (CmpOp::Ge, false),
        "//" => (CmpOp::Divides, false),
        "\\\\" => (CmpOp::NotDivides, false),
        "&" => (CmpOp::BitAnd, false),
        "isin" => (CmpOp::IsIn, false),
        "isincs" => (CmpOp::IsInCs, false),
        "iswm" => (CmpOp::IsWm, false),
        "iswmcs" => (CmpOp::IsWmCs, false),
        "isnum" => (CmpOp::IsNum, false),
        "isletter" => (CmpOp::IsLetter, false),
        "isalnum" => (CmpOp::IsAlnum, false),
        "isalpha" => (CmpOp::IsAlpha, false),
        "islower" => (CmpOp::IsLower, false),
        "isupper" => (CmpOp::IsUpper, false),
        other => (CmpOp::Host(host_op(other)), false),
    }
}

/// The word operators of conditions the language evaluates itself (`a isin b`).
pub const WORD_OPERATORS: &[&str] = &[
    "isin", "isincs", "iswm", "iswmcs", "isnum", "isletter", "isalnum", "isalpha", "islower",
    "isupper",
];

/// The word operators of conditions the host answers (`nick isop #chan`).
pub const HOST_OPERATORS: &[&str] = &[
    "ison",
    "isop",
    "ishop",
    "isvoice",
    "isvo",
    "isreg",
    "isowner",
    "isadmin",
    "ischan",
    "isban",
    "isquiet",
    "isaop",
    "isavoice",
    "isprotect",
    "isignore",
    "isnotify",
    "isurl",
];

fn host_op(name: &str) -> &'static str {
    HOST_OPERATORS
        .iter()
        .find(|o| **o == name)
        .copied()
        .unwrap_or("ison")
}

/// The pieces of an identifier call whose parentheses hold spaced `[ ]` groups
/// (`$mid( [ %x ] )`): the text around the groups, and each group to evaluate. mIRC resolves
/// such groups on the whole line before the call parses its arguments. `None` when the call
/// has none (a `[` must stand between blanks; `$a([ x ])` is an ordinary argument).
fn spaced_brackets(text: &str) -> Option<Vec<DynPiece>> {
    let b = text.as_bytes();
    let blank = |i: usize| i < b.len() && (b[i] == b' ' || b[i] == b'\t');
    // Whole-word `[` and `]` (not `[[`/`]]`), as (offset, is_open).
    let mut marks = Vec::new();
    for (i, &c) in b.iter().enumerate() {
        if (c == b'[' || c == b']') && i > 0 && blank(i - 1) {
            let next = b.get(i + 1).copied();
            let ends = match next {
                None => true,
                Some(n) => n == b' ' || n == b'\t' || (c == b']' && (n == b')' || n == b',')),
            };
            if ends {
                marks.push((i, c == b'['));
            }
        }
    }
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut open_at = 0;
    let mut last = 0;
    for (i, open) in marks {
        if open {
            if depth == 0 {
                open_at = i;
            }
            depth += 1;
        } else if depth > 0 {
            depth -= 1;
            if depth == 0 {
                let group = &text[open_at..=i];
                // `[ $+ x ]` joins with the word before it, which lies in the call's text.
                let inner = group[1..].trim_start();
                if inner.starts_with("$+ ") || inner.starts_with("$+\t") {
                    return None;
                }
                let words = crate::parse_words(group).ok()?;
                let [word] = <[Word; 1]>::try_from(words.words).ok()?;
                pieces.push(DynPiece::Lit(text[last..open_at].to_string()));
                pieces.push(DynPiece::Eval(word));
                last = i + 1;
            }
        }
    }
    if pieces.is_empty() {
        return None;
    }
    pieces.push(DynPiece::Lit(text[last..].to_string()));
    Some(pieces)
}

/// Inside `$calc(…)` a `$+` outside brackets is not a join but text, where the calculation
/// stops: `$calc(7 $+ 000)` is `7` in mIRC (`$calc($+(7,000))` joins).
fn calc_join_is_text(toks: &mut [Tok]) {
    let mut depth = 0usize;
    for t in toks {
        match t {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Join if depth == 0 => {
                *t = Tok::Word(Word {
                    parts: vec![Part::Lit("$+".to_string())],
                    span: Span::default(),
                });
            }
            _ => {}
        }
    }
}

/// A word-level token before `$+` joining and bracket grouping.
pub(crate) enum Tok {
    Word(Word),
    Join,
    Open,
    Close,
    /// `[[` or `]]`: a literal bracket.
    Escaped(&'static str),
}

impl Tok {
    fn bracket(s: &str) -> Tok {
        match s {
            "[" => Tok::Open,
            "]" => Tok::Close,
            "[[" => Tok::Escaped("["),
            _ => Tok::Escaped("]"),
        }
    }
    fn text(&self) -> &str {
        match self {
            Tok::Word(_) => "",
            Tok::Join => "$+",
            Tok::Open => "[",
            Tok::Close => "]",
            Tok::Escaped(s) => s,
        }
    }
}

enum Node {
    Word(Word),
    Join,
    Group(Vec<Node>, Span),
}

/// Matches `[` with `]`; unmatched brackets are literal words.
fn bracket_tree(toks: Vec<Tok>) -> Vec<Node> {
    let mut stack: Vec<Vec<Node>> = vec![Vec::new()];
    for t in toks {
        match t {
            Tok::Word(w) => stack.last_mut().expect("stack").push(Node::Word(w)),
            Tok::Join => stack.last_mut().expect("stack").push(Node::Join),
            Tok::Escaped(s) => stack.last_mut().expect("stack").push(Node::Word(Word {
                parts: vec![Part::Lit(s.to_string())],
                span: Span::default(),
            })),
            Tok::Open => stack.push(Vec::new()),
            Tok::Close => {
                if stack.len() > 1 {
                    let g = stack.pop().expect("stack");
                    let span = group_span(&g);
                    stack.last_mut().expect("stack").push(Node::Group(g, span));
                } else {
                    stack[0].push(Node::Word(Word {
                        parts: vec![Part::Lit("]".to_string())],
                        span: Span::default(),
                    }));
                }
            }
        }
    }
    // Unclosed groups: their `[` was literal.
    while stack.len() > 1 {
        let g = stack.pop().expect("stack");
        let top = stack.last_mut().expect("stack");
        top.push(Node::Word(Word {
            parts: vec![Part::Lit("[".to_string())],
            span: Span::default(),
        }));
        top.extend(g);
    }
    stack.pop().unwrap_or_default()
}

fn group_span(g: &[Node]) -> Span {
    let spans: Vec<Span> = g
        .iter()
        .filter_map(|n| match n {
            Node::Word(w) => Some(w.span),
            Node::Group(_, s) => Some(*s),
            Node::Join => None,
        })
        .collect();
    match (spans.first(), spans.last()) {
        (Some(f), Some(l)) => Span {
            start: f.start,
            end: l.end,
        },
        _ => Span::default(),
    }
}

#[cfg(test)]
mod operator_lists {
    use super::*;

    #[test]
    fn the_lists_match_the_operators() {
        for op in WORD_OPERATORS {
            assert!(!matches!(cmp_op(op).0, CmpOp::Host(_)), "{op}");
        }
        for op in HOST_OPERATORS {
            assert!(matches!(cmp_op(op).0, CmpOp::Host(h) if h == *op), "{op}");
        }
    }
}
