//! One sandboxed, budgeted Lua state per script.
//!
//! What a script gets: the base library (without `dofile` and `loadfile`; `load` takes text
//! only), `string` (without `string.dump`), `table`, `math`, `utf8`, `coroutine`, and
//! `os.time`, `os.date` and `os.clock`. `io`, `debug`, `package`, `require` and the rest of
//! `os` are stubs that raise a clear error when touched.
//!
//! What bounds it: an instruction budget per callback counted by a count hook (the same
//! [`Limits::instructions`] mSL runs use) and a wall-clock limit ([`Limits::wall_ms`], or
//! [`DEFAULT_WALL_MS`] when that sets none);
//! the hook follows coroutines, because `coroutine.resume` moves it to the coroutine it
//! resumes and back; `pcall` and `xpcall` cannot swallow a spent budget; a memory limit per
//! state; `string.rep` bounded by [`Limits::string_len`]; and the pattern functions refuse a
//! pattern whose backtracking could run for too long on the subject they are given (see
//! [`pattern_cost`]). Lua's own stack limit stops runaway recursion.

use mlua::{
    ChunkMode, Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Thread, Value, VmState,
};
use rustirc_lang::Limits;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

/// How many Lua instructions run between two budget checks. Small enough that a tight loop
/// is stopped promptly, large enough that the check costs little.
pub const HOOK_EVERY: u32 = 1000;

/// What one `coroutine.resume` costs in instructions (about what the switch costs in time).
pub const RESUME_COST: u64 = 100;

/// The most backtracking steps a pattern function may be expected to take: about a second of
/// matching. Stops `string.rep("a", 1e5):find(".-.-.-b")`, which would run for hours.
pub const PATTERN_STEPS: f64 = 2e8;

/// The wall-clock limit of one Lua callback when [`Limits::wall_ms`] sets none. The
/// instruction budget is the same count mSL runs get, but one Lua instruction is cheaper than
/// one mSL step, so a runaway loop would spend the whole count for a couple of seconds in a
/// debug build, and a loop of `coroutine.resume` calls (each a switch that costs far more
/// than an instruction) for longer still. Three quarters of a second of wall clock keeps the
/// client responsive whatever the build: every runaway callback stops, with its error shown,
/// in under a second.
pub const DEFAULT_WALL_MS: u64 = 750;

/// What one callback may still spend.
pub struct Budget {
    /// Instructions counted in this callback.
    used: Cell<u64>,
    /// The limit per callback (0: none).
    limit: u64,
    /// Wall clock limit in milliseconds (0: none).
    wall_ms: u64,
    /// When the callback started.
    start: Cell<Instant>,
    /// How deep callbacks are nested (a command run from a handler): only the outermost
    /// resets the count.
    depth: Cell<u32>,
    /// Set once the budget is spent: every later check fails too, so `pcall` cannot hide it.
    spent: Cell<bool>,
    /// Instructions counted since the script loaded (per-script accounting).
    total: Cell<u64>,
    /// The longest string a script may build.
    pub string_len: usize,
}

impl Budget {
    /// A budget for `limits`; without a wall-clock limit, [`DEFAULT_WALL_MS`].
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            used: Cell::new(0),
            limit: limits.instructions,
            wall_ms: if limits.wall_ms == 0 {
                DEFAULT_WALL_MS
            } else {
                limits.wall_ms
            },
            start: Cell::new(Instant::now()),
            depth: Cell::new(0),
            spent: Cell::new(false),
            total: Cell::new(0),
            string_len: limits.string_len,
        }
    }

    /// A callback starts (nested ones share the outer one's budget).
    pub fn enter(&self) {
        if self.depth.get() == 0 {
            self.used.set(0);
            self.spent.set(false);
            self.start.set(Instant::now());
        }
        self.depth.set(self.depth.get() + 1);
    }

    /// A callback is over.
    pub fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// The error once the budget is spent.
    fn error(&self) -> mlua::Error {
        if self.limit > 0 && self.used.get() > self.limit {
            mlua::Error::runtime(format!(
                "too many instructions (limit is {} per run)",
                self.limit
            ))
        } else {
            mlua::Error::runtime(format!(
                "ran too long (limit is {} ms per run)",
                self.wall_ms
            ))
        }
    }

    /// Charges `n` instructions; an error once the budget is spent.
    fn charge(&self, n: u64) -> mlua::Result<()> {
        if self.spent.get() {
            return Err(self.error());
        }
        self.used.set(self.used.get().saturating_add(n));
        self.total.set(self.total.get().saturating_add(n));
        let over = (self.limit > 0 && self.used.get() > self.limit)
            || (self.wall_ms > 0
                && self.start.get().elapsed().as_millis() > u128::from(self.wall_ms));
        if over {
            self.spent.set(true);
            return Err(self.error());
        }
        Ok(())
    }

    /// Instructions counted since the script loaded, in steps of [`HOOK_EVERY`].
    pub fn total(&self) -> u64 {
        self.total.get()
    }

    /// Whether the budget is spent.
    pub fn spent(&self) -> bool {
        self.spent.get()
    }
}

fn triggers() -> HookTriggers {
    HookTriggers::new().every_nth_instruction(HOOK_EVERY)
}

fn hook(budget: Rc<Budget>) -> impl Fn(&Lua, mlua::Debug) -> mlua::Result<VmState> + 'static {
    move |_, _| {
        budget.charge(u64::from(HOOK_EVERY))?;
        Ok(VmState::Continue)
    }
}

/// Raised by the stubs; `what` is the name touched.
pub fn denied(what: &str) -> String {
    format!("{what} is not available to RustIRC scripts (sandbox)")
}

/// The sandbox set-up, run once in each new state with the real functions as arguments.
const SANDBOX: &str = r##"
local rawpcall, rawxpcall, rawload, select, error, setmetatable, tostring = pcall, xpcall, load, select, error, setmetatable, tostring
local check, denied = ...
local function deny(name)
  return function() error(denied(name), 2) end
end
local function stub(name)
  return setmetatable({}, {
    __index = function(_, k) error(denied(name .. "." .. tostring(k)), 2) end,
    __newindex = function(_, k) error(denied(name .. "." .. tostring(k)), 2) end,
    __metatable = false,
  })
end
local os_time, os_date, os_clock = os.time, os.date, os.clock
os = setmetatable({ time = os_time, date = os_date, clock = os_clock }, {
  __index = function(_, k) error(denied("os." .. tostring(k)), 2) end,
  __metatable = false,
})
io = stub("io")
debug = stub("debug")
package = stub("package")
dofile = deny("dofile")
loadfile = deny("loadfile")
require = deny("require")
string.dump = deny("string.dump")
load = function(...)
  local n = select("#", ...)
  local chunk, name, mode, env = ...
  if mode ~= nil and mode ~= "t" then
    error("load: only text chunks may be loaded (mode 't'; binary chunks are refused)", 2)
  end
  if n >= 4 then return rawload(chunk, name, "t", env) end
  return rawload(chunk, name, "t")
end
pcall = function(...) return check(rawpcall(...)) end
xpcall = function(...) return check(rawxpcall(...)) end
"##;

/// A new state for one script: the sandboxed libraries, the hook, the memory limit.
///
/// # Errors
/// When Lua cannot be set up (out of memory).
pub fn new_state(limits: &Limits, memory: usize, budget: &Rc<Budget>) -> mlua::Result<Lua> {
    let libs = StdLib::COROUTINE
        | StdLib::TABLE
        | StdLib::STRING
        | StdLib::UTF8
        | StdLib::MATH
        | StdLib::OS;
    let lua = Lua::new_with(libs, LuaOptions::default())?;
    // `pcall` and `xpcall` results pass through this: a spent budget is raised again.
    let b = budget.clone();
    let check = lua.create_function(move |lua, mut args: MultiValue| {
        if b.spent() {
            return Err(b.error());
        }
        // An error from one of our functions reaches Lua as an error object; the script
        // gets its message, as it would from `error("...")`.
        if let Some(Value::Error(e)) = args.get(1) {
            let text = lua.create_string(plain_error(e))?;
            if let Some(v) = args.get_mut(1) {
                *v = Value::String(text);
            }
        }
        Ok(args)
    })?;
    let deny = lua.create_function(|_, what: String| Ok(denied(&what)))?;
    lua.load(SANDBOX)
        .set_name("=sandbox")
        .set_mode(ChunkMode::Text)
        .call::<()>((check, deny))?;
    bound_strings(&lua, limits)?;
    bound_coroutines(&lua, budget)?;
    lua.set_hook(triggers(), hook(budget.clone()));
    lua.set_memory_limit(memory)?;
    Ok(lua)
}

/// `coroutine.resume` and `coroutine.wrap` that move the budget hook to the coroutine they
/// run and back (a coroutine Lua creates does not inherit it).
fn bound_coroutines(lua: &Lua, budget: &Rc<Budget>) -> mlua::Result<()> {
    let co: mlua::Table = lua.globals().get("coroutine")?;
    let b = budget.clone();
    let resume = lua.create_function(move |lua, (th, args): (Thread, MultiValue)| {
        // Moving the hook restarts its countdown, so a loop of short resumes would never
        // reach it: each resume is charged here.
        b.charge(RESUME_COST)?;
        th.set_hook(triggers(), hook(b.clone()));
        let r = th.resume::<MultiValue>(args);
        lua.current_thread().set_hook(triggers(), hook(b.clone()));
        match r {
            Ok(vals) => {
                let mut out = MultiValue::new();
                out.push_back(Value::Boolean(true));
                out.extend(vals);
                Ok(out)
            }
            Err(e) if b.spent() => Err(e),
            Err(e) => {
                let mut out = MultiValue::new();
                out.push_back(Value::Boolean(false));
                out.push_back(Value::String(lua.create_string(plain_error(&e))?));
                Ok(out)
            }
        }
    })?;
    co.set("resume", resume.clone())?;
    let wrap: Function = lua
        .load(
            r#"
local create, resume, error, unpack, pack = ...
return function(f)
  local co = create(f)
  return function(...)
    local r = pack(resume(co, ...))
    if not r[1] then error(r[2], 2) end
    return unpack(r, 2, r.n)
  end
end
"#,
        )
        .set_name("=coroutine.wrap")
        .call((
            co.get::<Function>("create")?,
            resume,
            lua.globals().get::<Function>("error")?,
            lua.globals()
                .get::<mlua::Table>("table")?
                .get::<Function>("unpack")?,
            lua.globals()
                .get::<mlua::Table>("table")?
                .get::<Function>("pack")?,
        ))?;
    co.set("wrap", wrap)?;
    Ok(())
}

/// An error's message without mlua's decoration (`runtime error: `, tracebacks).
pub fn plain_error(e: &mlua::Error) -> String {
    match e {
        // Lua appends a traceback to some messages (`stack overflow`); the place is already
        // in the message.
        mlua::Error::RuntimeError(m) => m
            .split_once("stack traceback:")
            .map_or(m.as_str(), |(head, _)| head)
            .trim_end()
            .to_string(),
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::MemoryError(_) => "not enough memory (the script's memory limit)".into(),
        mlua::Error::CallbackError { cause, .. } => plain_error(cause),
        mlua::Error::WithContext { cause, .. } => plain_error(cause),
        other => other.to_string(),
    }
}

/// `string.rep` bounded by the string limit; `find`, `match`, `gmatch` and `gsub` refuse
/// patterns that could backtrack for too long.
fn bound_strings(lua: &Lua, limits: &Limits) -> mlua::Result<()> {
    let string: mlua::Table = lua.globals().get("string")?;
    let max = limits.string_len;
    let rep = lua.create_function(
        move |lua, (s, n, sep): (mlua::String, i64, Option<mlua::String>)| {
            let s = s.as_bytes();
            let sep = sep
                .as_ref()
                .map(|x| x.as_bytes().to_vec())
                .unwrap_or_default();
            let n = usize::try_from(n).unwrap_or(0);
            let total = (s.len() as u128) * (n as u128)
                + (sep.len() as u128) * (n.saturating_sub(1) as u128);
            if max > 0 && total > max as u128 {
                return Err(mlua::Error::runtime(format!(
                    "string.rep: result of {total} bytes is too long (limit is {max} bytes)"
                )));
            }
            let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
            for i in 0..n {
                if i > 0 {
                    out.extend_from_slice(&sep);
                }
                out.extend_from_slice(&s);
            }
            lua.create_string(out)
        },
    )?;
    string.set("rep", rep)?;
    for name in ["find", "match", "gmatch", "gsub"] {
        let raw: Function = string.get(name)?;
        let f = lua.create_function(move |_, args: MultiValue| {
            let subject = args.front().and_then(text_len);
            let pattern = args.get(1).and_then(|v| match v {
                Value::String(s) => Some(s.as_bytes().to_vec()),
                _ => None,
            });
            let plain = name == "find" && args.get(3).is_some_and(|v| v.as_boolean() == Some(true));
            if let (Some(n), Some(p), false) = (subject, pattern, plain) {
                let cost = pattern_cost(n, &p);
                if cost > PATTERN_STEPS {
                    return Err(mlua::Error::runtime(format!(
                        "string.{name}: pattern too complex for a {n}-byte subject (about {cost:.0e} steps; limit is {PATTERN_STEPS:.0e})"
                    )));
                }
            }
            raw.call::<MultiValue>(args)
        })?;
        string.set(name, f)?;
    }
    Ok(())
}

fn text_len(v: &Value) -> Option<usize> {
    match v {
        Value::String(s) => Some(s.as_bytes().len()),
        Value::Integer(_) | Value::Number(_) => Some(24),
        _ => None,
    }
}

/// One single-character item of a Lua pattern: the bytes it matches.
struct Item {
    set: [bool; 256],
    /// Its quantifier (`*`, `+`, `-`, `?`), if any.
    quant: Option<u8>,
}

fn class_has(class: u8, b: u8) -> bool {
    let c = char::from(b);
    let r = match class.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'd' => c.is_ascii_digit(),
        b'l' => c.is_ascii_lowercase(),
        b's' => c.is_ascii_whitespace() || b == 0x0b,
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'p' => c.is_ascii_punctuation(),
        b'c' => c.is_ascii_control(),
        b'g' => c.is_ascii_graphic(),
        _ => return class == b,
    };
    if class.is_ascii_uppercase() {
        !r
    } else {
        r
    }
}

/// Parses `[...]` starting after `[`; returns the set and the index after `]`.
fn parse_set(p: &[u8], mut i: usize) -> ([bool; 256], usize) {
    let mut set = [false; 256];
    let negate = p.get(i) == Some(&b'^');
    if negate {
        i += 1;
    }
    let mut first = true;
    while i < p.len() && (p[i] != b']' || first) {
        first = false;
        if p[i] == b'%' && i + 1 < p.len() {
            for b in 0..=255u8 {
                set[usize::from(b)] |= class_has(p[i + 1], b);
            }
            i += 2;
        } else if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            for b in p[i]..=p[i + 2] {
                set[usize::from(b)] = true;
            }
            i += 3;
        } else {
            set[usize::from(p[i])] = true;
            i += 1;
        }
    }
    if negate {
        for x in &mut set {
            *x = !*x;
        }
    }
    (set, (i + 1).min(p.len()))
}

/// An estimate of the steps Lua's backtracking matcher may take for pattern `p` on a subject
/// of `n` bytes: `n` raised to the number of repeated items that can give characters back to
/// what follows them (a repeated item followed by a mandatory item it cannot overlap, as
/// `%S+%s` or `%d+,`, cannot), plus one for trying each start position when the pattern is
/// not anchored and has any such item. Balanced matches (`%b`) and back-references count as
/// such items too.
pub fn pattern_cost(n: usize, p: &[u8]) -> f64 {
    let anchored = p.first() == Some(&b'^');
    let mut i = usize::from(anchored);
    let mut items: Vec<Option<Item>> = Vec::new();
    let mut extra = 0i32;
    while i < p.len() {
        let set = match p[i] {
            b'(' | b')' => {
                i += 1;
                continue;
            }
            b'$' if i + 1 == p.len() => break,
            b'.' => {
                i += 1;
                [true; 256]
            }
            b'[' => {
                let (s, next) = parse_set(p, i + 1);
                i = next;
                s
            }
            b'%' if i + 1 < p.len() => {
                let c = p[i + 1];
                match c {
                    b'b' => {
                        extra += 1;
                        i += 4;
                        items.push(None);
                        continue;
                    }
                    b'f' => {
                        i += 2;
                        if p.get(i) == Some(&b'[') {
                            i = parse_set(p, i + 1).1;
                        }
                        continue;
                    }
                    b'0'..=b'9' => {
                        extra += 1;
                        i += 2;
                        items.push(None);
                        continue;
                    }
                    _ => {
                        i += 2;
                        let mut s = [false; 256];
                        for b in 0..=255u8 {
                            s[usize::from(b)] = class_has(c, b);
                        }
                        s
                    }
                }
            }
            c => {
                i += 1;
                let mut s = [false; 256];
                s[usize::from(c)] = true;
                s
            }
        };
        let quant = p
            .get(i)
            .copied()
            .filter(|q| matches!(q, b'*' | b'+' | b'-' | b'?'));
        if quant.is_some() {
            i += 1;
        }
        items.push(Some(Item { set, quant }));
    }
    let mut k = extra;
    for (j, it) in items.iter().enumerate() {
        let Some(it) = it else { continue };
        if !matches!(it.quant, Some(b'*' | b'+' | b'-')) {
            continue;
        }
        // The last item takes what is left and the match is over.
        if j + 1 == items.len() {
            continue;
        }
        let guarded = match &items[j + 1] {
            Some(next) if matches!(next.quant, None | Some(b'+')) => {
                (0..256).all(|b| !(it.set[b] && next.set[b]))
            }
            _ => false,
        };
        if !guarded {
            k += 1;
        }
    }
    if k > 0 && !anchored {
        k += 1;
    }
    let n = (n.max(2)) as f64;
    n.powi(k.max(1))
}

#[cfg(test)]
mod tests {
    //! The pattern estimate must let ordinary IRC parsing through and stop the classic
    //! exponential cases.
    use super::pattern_cost;

    #[test]
    fn estimates() {
        let ok = |n: usize, p: &str| pattern_cost(n, p.as_bytes()) <= super::PATTERN_STEPS;
        assert!(ok(512, "^(%S+)%s+(.*)$"));
        assert!(ok(512, "(%S+) (%S+) (%S+)"));
        assert!(ok(512, "(%w+)!(%w+)@(%S+)"));
        assert!(ok(1_000_000, "%d+"));
        assert!(ok(1_000_000, "^hello"));
        assert!(ok(512, ".-b"));
        assert!(!ok(100_000, ".-.-.-.-b"));
        assert!(!ok(100_000, "a*a*a*a*b"));
        assert!(!ok(1_000_000, ".-b"));
    }
}
