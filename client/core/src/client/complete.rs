//! Tab completion of the input line: what the word before the cursor can become.
//!
//! The word decides what it completes to, as in mIRC, HexChat and irssi:
//! - the first word, starting with `/`: commands — the client's and the language's own,
//!   mSL aliases, commands scripts of any engine registered, and the engines' own (`/lua`);
//! - an argument of a command a script registered with a completer (Lua's `complete=`):
//!   whatever the completer offers;
//! - a word starting with a channel prefix (`#`): the channels I am on;
//! - any other word: the nicks of the window's channel (or the query's nick, and mine).
//!
//! Before any of that, `on TABCOMP` handlers see the line (`$1-`, `$target`); `haltdef` in
//! one stops the completion, as in mIRC. The client only computes candidates; the window
//! (the GUI) replaces the word and cycles through them on each Tab.

use super::{Client, EventInfo, ScriptHost};
use crate::events::Phase;
use crate::host::engine::ScriptEngine;
use std::rc::Rc;

/// What the word before the cursor can become.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset where the word starts.
    pub start: usize,
    /// Byte offset where it ends (the cursor's word runs to the next space).
    pub end: usize,
    /// What the word can become, in the order Tab cycles through them.
    pub candidates: Vec<String>,
    /// What follows a chosen candidate: `": "` after a nick that starts the line (the
    /// address form), else `" "`.
    pub suffix: &'static str,
}

impl Completion {
    /// `line` with the word replaced by candidate `n` (counted modulo the number of
    /// candidates) and the suffix, and the cursor after it; `None` when there is none.
    pub fn apply(&self, line: &str, n: usize) -> Option<(String, usize)> {
        let pick = self.candidates.get(n % self.candidates.len().max(1))?;
        let rest = line.get(self.end..).unwrap_or("");
        let rest = if self.suffix.ends_with(' ') {
            rest.strip_prefix(' ').unwrap_or(rest)
        } else {
            rest
        };
        let mut out = String::with_capacity(line.len() + pick.len() + 2);
        out.push_str(&line[..self.start]);
        out.push_str(pick);
        out.push_str(self.suffix);
        let cursor = out.len();
        out.push_str(rest);
        Some((out, cursor))
    }
}

/// Whether `name` starts with `prefix`, ignoring ASCII case.
fn starts_with_folded(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Sorts by name ignoring case, then drops repeats.
fn sort_names(v: &mut Vec<String>) {
    v.sort_by_cached_key(|s| s.to_ascii_lowercase());
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
}

impl Client {
    /// Completes the word before `cursor` (a byte offset) in `line`, typed into `window`.
    /// No candidates when the word is empty, nothing matches, or an `on TABCOMP` handler
    /// halted the default.
    pub fn complete(&mut self, window: &str, line: &str, cursor: usize) -> Completion {
        let mut cursor = cursor.min(line.len());
        while !line.is_char_boundary(cursor) {
            cursor -= 1;
        }
        let start = line[..cursor].rfind(' ').map_or(0, |i| i + 1);
        let end = line[cursor..].find(' ').map_or(line.len(), |i| cursor + i);
        let word = &line[start..cursor];
        let mut done = Completion {
            start,
            end,
            candidates: Vec::new(),
            suffix: " ",
        };
        if word.is_empty() || self.tabcomp_halted(window, line) {
            return done;
        }
        let first = start == 0;
        if first && word.starts_with('/') {
            done.candidates = self.complete_command(word);
            return done;
        }
        if let Some(found) = self.complete_argument(&line[..start], word) {
            done.candidates = found;
            return done;
        }
        let net = &self.net;
        if net.is_channel(word) {
            let mut chans: Vec<String> = net
                .channels()
                .map(|c| c.name.clone())
                .filter(|c| starts_with_folded(c, word))
                .collect();
            sort_names(&mut chans);
            done.candidates = chans;
            return done;
        }
        let me = net.me().to_string();
        let mut nicks: Vec<String> = if net.is_channel(window) {
            net.nicks(window, "", "")
                .into_iter()
                .map(|m| m.nick.clone())
                .collect()
        } else if window.eq_ignore_ascii_case("status") {
            Vec::new()
        } else {
            vec![window.trim_start_matches('=').to_string()]
        };
        nicks.retain(|n| starts_with_folded(n, word) && !n.eq_ignore_ascii_case(&me));
        sort_names(&mut nicks);
        // My own nick comes last: it is the one least often meant.
        if starts_with_folded(&me, word) {
            nicks.push(me);
        }
        if first && net.is_channel(window) {
            done.suffix = ": ";
        }
        done.candidates = nicks;
        done
    }

    /// Runs `on TABCOMP` for `line` in `window`; whether a handler halted the default.
    fn tabcomp_halted(&mut self, window: &str, line: &str) -> bool {
        let info = EventInfo {
            name: "TABCOMP".to_string(),
            text: line.to_string(),
            target: Some(window.to_string()),
            chan: self.net.is_channel(window).then(|| window.to_string()),
            ..EventInfo::default()
        };
        let pre = self.run_phase(&info, Phase::Pre, false);
        let all = if pre.stop_later {
            pre
        } else {
            pre.merge(self.run_phase(&info, Phase::Normal, pre.halt_default))
        };
        self.deliver_signals();
        all.halt_default
    }

    /// The commands `word` (`/jo`, `//ec`) can become, with its slashes.
    fn complete_command(&self, word: &str) -> Vec<String> {
        let name = word.trim_start_matches('/');
        let slashes = &word[..word.len() - name.len()];
        let mut names: Vec<String> = rustirc_lang::names::commands()
            .into_iter()
            .chain(super::HOST_COMMANDS.iter().copied())
            .filter(|c| starts_with_folded(c, name))
            .map(str::to_string)
            .collect();
        names.extend(
            self.msl
                .engine
                .alias_names()
                .filter(|c| starts_with_folded(c, name))
                .map(str::to_string),
        );
        names.extend(
            self.commands
                .keys()
                .filter(|c| starts_with_folded(c, name))
                .cloned(),
        );
        names.extend(
            self.engines
                .iter()
                .map(|e| e.name())
                .filter(|c| starts_with_folded(c, name))
                .map(str::to_string),
        );
        sort_names(&mut names);
        names
            .into_iter()
            .map(|n| format!("{slashes}{}", n.to_ascii_lowercase()))
            .collect()
    }

    /// What a script's completer offers for `word` after `before` (`/greet al`), when
    /// `before` starts with a command that has one; `None` otherwise, and when the completer
    /// offers nothing or fails (its error goes to the status window).
    fn complete_argument(&mut self, before: &str, word: &str) -> Option<Vec<String>> {
        let rest = before.strip_prefix('/')?;
        let (name, args) = rest.split_once(' ')?;
        let entry = self.commands.get(&name.to_ascii_lowercase())?.clone();
        let completer = entry.spec.complete?;
        let eng: Rc<dyn ScriptEngine> = self.engine(entry.engine)?.clone();
        let info = EventInfo::default();
        let outer = self.running.replace(entry.script);
        let mut host = ScriptHost::new(self, &info);
        let r = eng.complete(completer, args.trim(), word, &mut host);
        let pending = host.finish();
        self.running = outer;
        self.after(pending);
        match r {
            Ok(mut found) => {
                found.retain(|c| starts_with_folded(c, word));
                (!found.is_empty()).then_some(found)
            }
            Err(e) => {
                self.out.show("status", format!("* {e}"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::replay::Session;

    fn session() -> Session {
        let mut s = Session::new(&[]);
        s.client.recv_line(":me!me@me.host JOIN #c");
        s.client
            .recv_line(":irc.example.net 353 me = #c :me @alice alex +bob Bobby");
        s
    }

    #[test]
    fn a_nick_starting_the_line_gets_the_address_form_and_tab_cycles() {
        let mut s = session();
        let line = "al";
        let done = s.client.complete("#c", line, line.len());
        assert_eq!(done.candidates, ["alex", "alice"]);
        assert_eq!(done.apply(line, 0), Some(("alex: ".to_string(), 6)));
        assert_eq!(done.apply(line, 1), Some(("alice: ".to_string(), 7)));
        assert_eq!(done.apply(line, 2), Some(("alex: ".to_string(), 6)));
    }

    #[test]
    fn a_word_in_the_middle_is_replaced_whole_and_the_rest_kept() {
        let mut s = session();
        let line = "hi bo there";
        let done = s.client.complete("#c", line, 4);
        assert_eq!((done.start, done.end), (3, 5));
        assert_eq!(done.candidates, ["bob", "Bobby"]);
        assert_eq!(done.apply(line, 1), Some(("hi Bobby there".to_string(), 9)));
    }

    #[test]
    fn commands_keep_their_slashes_and_nothing_completes_an_empty_word() {
        let mut s = session();
        let done = s.client.complete("#c", "//jo", 4);
        assert!(done.candidates.contains(&"//join".to_string()));
        assert!(done.candidates.iter().all(|c| c.starts_with("//jo")));
        assert!(s.client.complete("#c", "hi ", 3).candidates.is_empty());
        assert_eq!(s.client.complete("#c", "x", 1).apply("x", 0), None);
    }
}
