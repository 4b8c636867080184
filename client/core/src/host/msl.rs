//! The mSL engine on the event table: loads `.mrc` scripts into a [`rustirc_lang::Engine`],
//! declares their `on`, `ctcp` and `raw` handlers as [`HandlerDecl`]s, and runs one handler
//! when the table selects it. Matching, ordering and halting rules live in
//! [`crate::events`]; this file only converts.

use crate::events::{
    Compare, Dynamic, HandlerDecl, Level, Matcher, Outcome, Prefixes, ScriptId, TargetFilter,
};
use rustirc_lang::{Engine, Host, Limits, LoadReport, RunError, Value};
use rustirc_syntax::ast::{EventKind, Field, Stmt, Words};

/// One dynamic event field kept for evaluation at dispatch time.
struct DynField {
    script: usize,
    words: Words,
}

/// The mSL engine as the core sees it.
pub struct MslEngine {
    /// The language engine (VM, loaded chunks, globals, hash tables).
    pub engine: Engine,
    fields: Vec<DynField>,
    /// `haltdef`, parsed once (see [`MslEngine::call`]).
    haltdef: Option<Vec<Stmt>>,
}

/// What loading one script gave.
pub struct Loaded {
    /// The engine's script number (also the table's [`ScriptId`]).
    pub script: ScriptId,
    /// Diagnostics and counts.
    pub report: LoadReport,
    /// Handlers to register in the event table.
    pub handlers: Vec<HandlerDecl>,
}

impl MslEngine {
    /// An engine with the standard library and `limits`.
    pub fn new(limits: Limits) -> MslEngine {
        MslEngine {
            engine: Engine::new(limits),
            fields: Vec::new(),
            haltdef: None,
        }
    }

    /// Loads a script; its handlers come back as declarations (handle = index into the
    /// engine's handler list at load time, stable until an unload).
    pub fn load(&mut self, file: &str, bytes: &[u8]) -> Loaded {
        let first = self.engine.handlers.len();
        let report = self.engine.load(file, bytes, false);
        let script = self.engine.vm.script_names.len() - 1;
        let mut handlers = Vec::new();
        for i in first..self.engine.handlers.len() {
            let decl = self.declare(i);
            handlers.push(decl);
        }
        Loaded {
            script: u32::try_from(script).unwrap_or(u32::MAX),
            report,
            handlers,
        }
    }

    fn field(&mut self, script: usize, words: &Words) -> Dynamic {
        self.fields.push(DynField {
            script,
            words: words.clone(),
        });
        Dynamic(u32::try_from(self.fields.len() - 1).unwrap_or(u32::MAX))
    }

    fn declare(&mut self, i: usize) -> HandlerDecl {
        let h = &self.engine.handlers[i];
        let script = h.script;
        let ev = h.event.clone();
        let group = h.group.clone();
        let (event, key) = match &ev.kind {
            // The in/out field of PARSELINE selects lines the way a raw numeric does.
            EventKind::On(name) if name.eq_ignore_ascii_case("PARSELINE") => (
                "PARSELINE".to_string(),
                Some(match ev.extra.first() {
                    Some(Field::Text(t)) => t.clone(),
                    _ => "*".to_string(),
                }),
            ),
            // DCCSERVER's field (Chat, Send or Fserve) selects requests the same way.
            EventKind::On(name) if name.eq_ignore_ascii_case("DCCSERVER") => (
                "DCCSERVER".to_string(),
                Some(match ev.extra.first() {
                    Some(Field::Text(t)) => t.clone(),
                    _ => "*".to_string(),
                }),
            ),
            // DIALOG's `name:event:id` fields select what happened in which dialog.
            EventKind::On(name) if name.eq_ignore_ascii_case("DIALOG") => (
                "DIALOG".to_string(),
                Some(
                    ev.extra
                        .iter()
                        .map(|f| match f {
                            Field::Text(t) => t.clone(),
                            Field::Dynamic(_) => "*".to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(":"),
                ),
            ),
            EventKind::On(name) => (name.to_ascii_uppercase(), None),
            EventKind::Ctcp => ("CTCP".to_string(), None),
            EventKind::Raw(n) => ("RAW".to_string(), Some(n.clone())),
        };
        let lv = &ev.level;
        let matcher = match &ev.matchtext {
            None => Matcher::Any,
            Some(Field::Text(t)) if lv.regex => {
                Matcher::regex(t).unwrap_or_else(|_| Matcher::wild(t))
            }
            Some(Field::Text(t)) => Matcher::wild(t),
            Some(Field::Dynamic(w)) => Matcher::Dynamic {
                field: self.field(script, w),
                regex: lv.regex,
            },
        };
        let target = match &ev.target {
            None => TargetFilter::Any,
            Some(Field::Text(t)) => TargetFilter::parse(t),
            Some(Field::Dynamic(w)) => TargetFilter::Dynamic(self.field(script, w)),
        };
        // `<`, `>=`, `<>`, `=` … compare the banner's level with the banned user's; only BAN
        // and UNBAN have a banner (`=` is also how `=<` and `=>` start).
        let compare = if matches!(event.as_str(), "BAN" | "UNBAN") {
            let written = match (lv.equals, lv.compare.as_deref()) {
                (true, Some(c)) => format!("={c}"),
                (true, None) => "=".to_string(),
                (false, c) => c.unwrap_or_default().to_string(),
            };
            Compare::parse(&written)
        } else {
            None
        };
        HandlerDecl {
            event,
            key,
            level: Level::parse(&lv.level, lv.exact),
            compare,
            prefixes: Prefixes {
                me: lv.me,
                not_me: lv.not_me,
                need_op: lv.need_op,
                skip_halted: lv.skip_halted,
                pre: lv.pre,
            },
            matcher,
            target,
            group,
            priority: 0,
            first_per_script: true,
            handle: i as u64,
        }
    }

    /// Evaluates a dynamic field for the table.
    pub fn eval_field(&mut self, field: Dynamic, host: &mut dyn Host) -> String {
        let Some(f) = self.fields.get(field.0 as usize) else {
            return String::new();
        };
        let (script, words) = (f.script, f.words.clone());
        self.engine
            .eval_words(&words, script, host)
            .unwrap_or_default()
    }

    /// The first `on EVENT` handler of `script` (`UNLOAD` runs only the unloaded script's own).
    pub fn script_handler(&self, script: ScriptId, event: &str) -> Option<u64> {
        self.engine
            .handlers
            .iter()
            .position(|h| {
                h.script == script as usize
                    && matches!(&h.event.kind, EventKind::On(n) if n.eq_ignore_ascii_case(event))
            })
            .map(|i| i as u64)
    }

    /// The regex match text of handler `handle`, when it has one (to fill `$regml`).
    pub fn regex_of(&self, handle: u64) -> Option<String> {
        let h = self.engine.handlers.get(handle as usize)?;
        match (&h.event.matchtext, h.event.level.regex) {
            (Some(Field::Text(t)), true) => Some(t.clone()),
            _ => None,
        }
    }

    /// Runs handler `handle` with the event's text as `$1-`; `halted` is whether an earlier
    /// handler halted the event (the handler's `$halted`).
    pub fn call(
        &mut self,
        handle: u64,
        text: &str,
        halted: bool,
        host: &mut dyn Host,
    ) -> Result<Outcome, RunError> {
        let Some(h) = self.engine.handlers.get(handle as usize) else {
            return Ok(Outcome::default());
        };
        let (chunk, pre) = (h.chunk, h.event.level.pre);
        let params = words(text);
        if halted {
            // A run starts unhalted; running `haltdef` first starts it halted, which is what
            // `$halted` reads. (The flag only ever goes from unset to set within a run.)
            let stmts = self
                .haltdef
                .get_or_insert_with(|| {
                    rustirc_syntax::parse_statements("haltdef").unwrap_or_default()
                })
                .clone();
            self.engine.run_stmts("$halted", &stmts, host)?;
        } else {
            self.engine.vm.begin(host);
        }
        let o = self.engine.vm.call_event(chunk, params, text, host)?;
        Ok(Outcome {
            halt_default: o.halt_default || (pre && o.halted),
            stop_later: false,
        })
    }

    /// Removes a script's aliases; the caller removes its handlers from the event table
    /// (handles of other scripts stay valid).
    pub fn unload(&mut self, script: ScriptId) {
        self.engine.unload(script as usize);
    }
}

/// The space-separated words of an event's text as `$1`, `$2`…: runs of spaces separate,
/// as in mIRC.
fn words(text: &str) -> Vec<Value> {
    let mut out = Vec::with_capacity(8);
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.bytes().position(|b| b == b' ').unwrap_or(rest.len());
        if end > 0 {
            out.push(Value::text(&rest[..end]));
        }
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_runs_of_spaces_only() {
        let w: Vec<String> = words("  héllo\tthere  you ")
            .iter()
            .map(|v| v.to_string())
            .collect();
        assert_eq!(w, ["héllo\tthere", "you"]);
        assert!(words("").is_empty());
        assert!(words("   ").is_empty());
    }
}
