//! The one event table every script engine registers its handlers in.
//!
//! An engine declares handlers when it loads a script ([`HandlerDecl`]: event, filters,
//! priority, its own handle); the table decides which of them an event reaches and in what
//! order. It does not run anything: the caller walks the returned list, calls each handler's
//! engine, and merges the [`Outcome`]s. Matching rules are mIRC's: level, `me:` `!` `@` `&` `^`
//! prefixes, wildcard or regex match text, target filters, `#group`s, and the rule that within
//! one mSL file only the first matching handler of an event runs.
//!
//! Order: higher priority first; ties in load order. Match texts are indexed by their longest
//! required literal (one Aho-Corasick scan of the message selects the candidates), so an event
//! costs about the number of handlers that could match rather than the number loaded.

pub mod filter;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
pub use filter::{
    top_level, Compare, Dynamic, Level, Matcher, Place, Prefixes, Rx, TargetFilter, UserLevel,
};
use std::collections::{HashMap, HashSet};

/// A loaded script, in load order.
pub type ScriptId = u32;
/// A script engine (mSL, Lua, Python, native).
pub type EngineId = u16;

/// Whether a DIALOG handler's `name:event:id` fields (the name a wildcard, the event `*` or
/// a name, the id `*`, a number, a range `N-M` or a list of them) admit `want`, the
/// `name:event:id` of what happened.
pub fn dialog_key_matches(key: &str, want: &str) -> bool {
    let mut k = key.splitn(3, ':');
    let mut w = want.splitn(3, ':');
    let (kn, ke, ki) = (
        k.next().unwrap_or("*"),
        k.next().unwrap_or("*"),
        k.next().unwrap_or("*"),
    );
    let (wn, we, wi) = (
        w.next().unwrap_or(""),
        w.next().unwrap_or(""),
        w.next().unwrap_or(""),
    );
    let id: i64 = wi.parse().unwrap_or(-1);
    let id_ok = ki.trim() == "*"
        || ki.split(',').any(|part| match part.trim().split_once('-') {
            Some((a, b)) => {
                a.trim().parse::<i64>().is_ok_and(|a| a <= id)
                    && b.trim().parse::<i64>().is_ok_and(|b| id <= b)
            }
            None => part.trim().parse::<i64>() == Ok(id),
        });
    rustirc_lang::wild::wildmatch(kn, wn, false)
        && (ke.trim() == "*" || ke.trim().eq_ignore_ascii_case(we))
        && id_ok
}

/// Case-folds a channel or nick name the way the table compares them (ASCII; the network's
/// casemapping is applied by the caller for `[]\~`).
pub fn fold_name(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// What an engine declares for one handler.
#[derive(Clone, Debug)]
pub struct HandlerDecl {
    /// Upper-case event name: `TEXT`, `JOIN`, `RAW`, `CTCP`, `SIGNAL`…
    pub event: String,
    /// For `RAW` the numeric or command (`*` for all); for `SIGNAL` the signal name.
    pub key: Option<String>,
    /// Who may trigger it.
    pub level: Level,
    /// For BAN and UNBAN: how the banner's level must compare with the banned user's.
    pub compare: Option<Compare>,
    /// `me:` `!` `@` `&` `^`.
    pub prefixes: Prefixes,
    /// The match text.
    pub matcher: Matcher,
    /// The target field.
    pub target: TargetFilter,
    /// The `#group` it sits in, if any.
    pub group: Option<String>,
    /// Higher runs first. mSL handlers use 0.
    pub priority: i32,
    /// Within one script only the first matching handler of an event runs (mSL's rule).
    pub first_per_script: bool,
    /// The engine's own handle for the handler.
    pub handle: u64,
}

impl HandlerDecl {
    /// A handler for `event` that matches everything, with priority 0.
    pub fn new(event: &str, handle: u64) -> HandlerDecl {
        HandlerDecl {
            event: event.to_ascii_uppercase(),
            key: None,
            level: Level::Any,
            compare: None,
            prefixes: Prefixes::default(),
            matcher: Matcher::Any,
            target: TargetFilter::Any,
            group: None,
            priority: 0,
            first_per_script: false,
            handle,
        }
    }
}

/// A registered handler.
#[derive(Clone, Debug)]
pub struct Entry {
    /// What was declared.
    pub decl: HandlerDecl,
    /// Which engine runs it.
    pub engine: EngineId,
    /// Which script declared it.
    pub script: ScriptId,
    /// Registration order across the table.
    seq: u64,
}

/// One occurrence of an event, as the table needs it.
#[derive(Clone, Copy, Debug)]
pub struct EventCtx<'a> {
    /// Upper-case event name.
    pub event: &'a str,
    /// `RAW` numeric / command, `SIGNAL` name.
    pub key: Option<&'a str>,
    /// What match texts are tested against (message text, CTCP text, raw parameters).
    pub text: &'a str,
    /// Where it happened.
    pub place: Place<'a>,
    /// I caused it.
    pub by_me: bool,
    /// I am an operator on the event's channel.
    pub me_op: bool,
    /// Levels of the user who caused it (empty when not in the user list); for BAN and UNBAN,
    /// of the user the ban mask names.
    pub user_levels: &'a [UserLevel],
    /// For BAN and UNBAN, the levels of the user who set or removed the ban (what a
    /// handler's [`Compare`] tests against `user_levels`); `None` for other events.
    pub banner_levels: Option<&'a [UserLevel]>,
    /// The level of users not in the user list.
    pub default_level: u32,
}

/// Which half of an event's handlers to select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// `^` handlers, before the default action.
    Pre,
    /// Every other handler, after it.
    Normal,
}

/// What running one handler asked for. Engines set these; the caller merges them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Stop the client's default action (mSL `haltdef`, `halt` in a `^` handler).
    pub halt_default: bool,
    /// Stop the handlers after this one (Lua/Python/native `HALT`).
    pub stop_later: bool,
}

impl Outcome {
    /// Combines two outcomes: either flag set stays set.
    pub fn merge(self, other: Outcome) -> Outcome {
        Outcome {
            halt_default: self.halt_default || other.halt_default,
            stop_later: self.stop_later || other.stop_later,
        }
    }
}

/// Handlers of one event, in dispatch order, with the literal index over their match texts.
#[derive(Default)]
struct Bucket {
    /// Entry indices in dispatch order.
    order: Vec<usize>,
    /// Ranks of entries a message can reach without containing any literal.
    always: Vec<usize>,
    /// Literal → ranks needing it.
    lits: Vec<Vec<usize>>,
    /// The scanner over `lits`' keys (ASCII, case-insensitive).
    scan: Option<AhoCorasick>,
}

/// Index buckets only past this many handlers: below it a plain walk is as fast.
const INDEX_FROM: usize = 16;

/// The event table.
#[derive(Default)]
pub struct EventTable {
    entries: Vec<Option<Entry>>,
    buckets: HashMap<String, Bucket>,
    /// Disabled groups: `(script, lower-case group name)`.
    disabled: HashSet<(ScriptId, String)>,
    seq: u64,
    /// Build literal indexes (on unless turned off to measure the plain walk).
    no_index: bool,
}

impl EventTable {
    /// An empty table.
    pub fn new() -> EventTable {
        EventTable::default()
    }

    /// Turns the literal index on or off (on by default). Off, every event walks all its
    /// handlers; results are the same, which the tests check and the dispatch bench measures.
    pub fn set_indexed(&mut self, on: bool) {
        self.no_index = !on;
        let events: Vec<String> = self.buckets.keys().cloned().collect();
        for ev in events {
            self.rebuild(&ev);
        }
    }

    /// Registers the handlers `script` declares; returns how many.
    pub fn add(&mut self, engine: EngineId, script: ScriptId, decls: Vec<HandlerDecl>) -> usize {
        let n = decls.len();
        let mut touched = HashSet::new();
        for decl in decls {
            touched.insert(decl.event.clone());
            self.seq += 1;
            self.entries.push(Some(Entry {
                decl,
                engine,
                script,
                seq: self.seq,
            }));
        }
        for ev in touched {
            self.rebuild(&ev);
        }
        n
    }

    /// Removes every handler of `script` (unload or reload); returns how many.
    pub fn remove_script(&mut self, script: ScriptId) -> usize {
        let mut touched = HashSet::new();
        let mut n = 0;
        for slot in &mut self.entries {
            if slot.as_ref().is_some_and(|e| e.script == script) {
                if let Some(e) = slot.take() {
                    touched.insert(e.decl.event);
                }
                n += 1;
            }
        }
        self.disabled.retain(|(s, _)| *s != script);
        for ev in touched {
            self.rebuild(&ev);
        }
        n
    }

    /// Removes the handler `handle` of `engine` (a Lua `irc.off`); returns whether it was
    /// registered.
    pub fn remove_handle(&mut self, engine: EngineId, handle: u64) -> bool {
        let mut event = None;
        for slot in &mut self.entries {
            if slot
                .as_ref()
                .is_some_and(|e| e.engine == engine && e.decl.handle == handle)
            {
                event = slot.take().map(|e| e.decl.event);
                break;
            }
        }
        match event {
            Some(ev) => {
                self.rebuild(&ev);
                true
            }
            None => false,
        }
    }

    /// How many handlers `script` has registered.
    pub fn script_count(&self, script: ScriptId) -> usize {
        self.entries
            .iter()
            .flatten()
            .filter(|e| e.script == script)
            .count()
    }

    /// `/enable #group` and `/disable #group`: in one script, or in every script when `script`
    /// is `None`. Returns whether any loaded handler sits in that group.
    pub fn set_group(&mut self, script: Option<ScriptId>, group: &str, enabled: bool) -> bool {
        let g = group.trim_start_matches('#').to_ascii_lowercase();
        let owners: HashSet<ScriptId> = self
            .entries
            .iter()
            .flatten()
            .filter(|e| {
                e.decl
                    .group
                    .as_deref()
                    .is_some_and(|x| x.trim_start_matches('#').eq_ignore_ascii_case(&g))
                    && script.is_none_or(|s| s == e.script)
            })
            .map(|e| e.script)
            .collect();
        for s in &owners {
            if enabled {
                self.disabled.remove(&(*s, g.clone()));
            } else {
                self.disabled.insert((*s, g.clone()));
            }
        }
        !owners.is_empty()
    }

    /// Whether `group` of `script` is enabled.
    pub fn group_enabled(&self, script: ScriptId, group: &str) -> bool {
        let g = group.trim_start_matches('#').to_ascii_lowercase();
        !self.disabled.contains(&(script, g))
    }

    /// A registered handler by index (as returned by [`EventTable::select`]).
    pub fn entry(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index).and_then(Option::as_ref)
    }

    /// Number of handlers registered for `event`.
    pub fn count(&self, event: &str) -> usize {
        self.buckets.get(event).map_or(0, |b| b.order.len())
    }

    /// The handlers `ev` reaches in `phase`, as entry indices in the order to run them.
    /// `halted` is whether an earlier phase or handler halted the event (for `&`). `dynamic`
    /// evaluates a `%var` / `$(…)` field of an entry (asked only for candidates).
    pub fn select(
        &self,
        ev: &EventCtx<'_>,
        phase: Phase,
        halted: bool,
        dynamic: &mut dyn FnMut(&Entry, Dynamic) -> String,
    ) -> Vec<usize> {
        let Some(bucket) = self.buckets.get(ev.event) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut done_scripts: Vec<ScriptId> = Vec::new();
        let mut visit = |rank: usize, out: &mut Vec<usize>| {
            let idx = bucket.order[rank];
            let Some(e) = self.entries[idx].as_ref() else {
                return;
            };
            if e.decl.first_per_script && done_scripts.contains(&e.script) {
                return;
            }
            if self.admits(e, ev, phase, halted, dynamic) {
                if e.decl.first_per_script {
                    done_scripts.push(e.script);
                }
                out.push(idx);
            }
        };
        match &bucket.scan {
            None => {
                for rank in 0..bucket.order.len() {
                    visit(rank, &mut out);
                }
            }
            Some(ac) => {
                let mut ranks = bucket.always.clone();
                for m in ac.find_overlapping_iter(ev.text) {
                    ranks.extend_from_slice(&bucket.lits[m.pattern().as_usize()]);
                }
                ranks.sort_unstable();
                ranks.dedup();
                for rank in ranks {
                    visit(rank, &mut out);
                }
            }
        }
        out
    }

    fn admits(
        &self,
        e: &Entry,
        ev: &EventCtx<'_>,
        phase: Phase,
        halted: bool,
        dynamic: &mut dyn FnMut(&Entry, Dynamic) -> String,
    ) -> bool {
        let d = &e.decl;
        let p = d.prefixes;
        if p.pre != (phase == Phase::Pre)
            || (p.skip_halted && halted)
            || (p.me && !ev.by_me)
            || (p.not_me && ev.by_me)
            || (p.need_op && !ev.me_op)
        {
            return false;
        }
        if let Some(key) = &d.key {
            let want = ev.key.unwrap_or("");
            let ok = if d.event == "DIALOG" {
                dialog_key_matches(key, want)
            } else {
                key == "*" || key.eq_ignore_ascii_case(want)
            };
            if !ok {
                return false;
            }
        }
        if let Some(g) = &d.group {
            if !self.group_enabled(e.script, g) {
                return false;
            }
        }
        if !d.level.admits(ev.user_levels, ev.default_level) {
            return false;
        }
        if let (Some(cmp), Some(banner)) = (d.compare, ev.banner_levels) {
            let banner = top_level(banner, ev.default_level);
            if !cmp.holds(banner, top_level(ev.user_levels, ev.default_level)) {
                return false;
            }
        }
        let target_ok = match d.target.admits(&ev.place) {
            Some(ok) => ok,
            None => {
                let TargetFilter::Dynamic(f) = d.target else {
                    return false;
                };
                TargetFilter::parse(&dynamic(e, f))
                    .admits(&ev.place)
                    .unwrap_or(false)
            }
        };
        if !target_ok {
            return false;
        }
        // A CTCP handler's match text is tested against the whole request and against its
        // command word alone, so `ctcp *:PING:*:` catches `PING 1767225600`.
        let command = (ev.event == "CTCP")
            .then(|| ev.text.split_once(' ').map(|(c, _)| c))
            .flatten();
        let test = |m: &Matcher| {
            m.test(ev.text)
                .map(|ok| ok || command.is_some_and(|c| m.test(c) == Some(true)))
        };
        match test(&d.matcher) {
            Some(ok) => ok,
            None => {
                let Matcher::Dynamic { field, regex } = d.matcher else {
                    return false;
                };
                let text = dynamic(e, field);
                let m = if regex {
                    Matcher::regex(&text).unwrap_or(Matcher::Any)
                } else {
                    Matcher::wild(&text)
                };
                test(&m).unwrap_or(false)
            }
        }
    }

    /// Re-sorts one event's handlers and rebuilds its literal index.
    fn rebuild(&mut self, event: &str) {
        let mut order: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().filter(|e| e.decl.event == event).map(|_| i))
            .collect();
        order.sort_by_key(|&i| {
            let e = self.entries[i].as_ref().expect("live entry");
            (-i64::from(e.decl.priority), e.seq)
        });
        if order.is_empty() {
            self.buckets.remove(event);
            return;
        }
        let mut b = Bucket::default();
        if order.len() >= INDEX_FROM && !self.no_index {
            let mut keys: Vec<String> = Vec::new();
            let mut by_key: HashMap<String, usize> = HashMap::new();
            for (rank, &i) in order.iter().enumerate() {
                let e = self.entries[i].as_ref().expect("live entry");
                match e.decl.matcher.required_literal().filter(|l| l.is_ascii()) {
                    Some(lit) => {
                        let k = *by_key.entry(lit.clone()).or_insert_with(|| {
                            keys.push(lit);
                            b.lits.push(Vec::new());
                            keys.len() - 1
                        });
                        b.lits[k].push(rank);
                    }
                    None => b.always.push(rank),
                }
            }
            if !keys.is_empty() {
                b.scan = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&keys)
                    .ok();
            }
            if b.scan.is_none() {
                b.always = (0..order.len()).collect();
            }
        }
        b.order = order;
        self.buckets.insert(event.to_string(), b);
    }
}

#[cfg(test)]
mod tests;
