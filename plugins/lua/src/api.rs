//! The `irc` table: what a Lua script can do. Every function is a call on the client's host,
//! so `irc.privmsg(t, x)` behaves exactly as mSL's `/msg t x` (same display, same flood
//! control, same permissions), and `irc.my_nick()` answers what `$me` answers.
//!
//! docs/lua-api.md documents each function with an example the tests run.

use crate::{storage, with_host, Callback, Ctx, Shared};
use mlua::{Function, Lua, MultiValue, Table, Value};
use rustirc_core::events::{EngineId, HandlerDecl, Matcher, ScriptId, TargetFilter};
use rustirc_core::host::engine::{CommandSpec, EngineEvent, EngineHost};
use rustirc_lang::Value as MslValue;
use std::cell::Cell;
use std::rc::Rc;

/// `irc.HALT`: stop the default action and every later handler.
pub const HALT: i64 = 2;
/// `irc.HALTDEF`: stop the default action; later handlers still run.
pub const HALTDEF: i64 = 1;

/// Lua event names and the event table's names. Any other table name works too, in lower
/// case (`usermode`, `wallops`, `snotice`, `logon`, `exit`, `notify` …).
pub const EVENTS: &[(&str, &str)] = &[
    ("message", "TEXT"),
    ("action", "ACTION"),
    ("notice", "NOTICE"),
    ("join", "JOIN"),
    ("part", "PART"),
    ("kick", "KICK"),
    ("quit", "QUIT"),
    ("nick", "NICK"),
    ("mode", "MODE"),
    ("rawmode", "RAWMODE"),
    ("op", "OP"),
    ("deop", "DEOP"),
    ("voice", "VOICE"),
    ("devoice", "DEVOICE"),
    ("ban", "BAN"),
    ("unban", "UNBAN"),
    ("topic", "TOPIC"),
    ("invite", "INVITE"),
    ("ctcp", "CTCP"),
    ("ctcpreply", "CTCPREPLY"),
    ("connect", "CONNECT"),
    ("disconnect", "DISCONNECT"),
    ("raw", "RAW"),
    ("input", "INPUT"),
    ("signal", "SIGNAL"),
];

/// Other table events a script may name in lower case.
const OTHER_EVENTS: &[&str] = &[
    "USERMODE",
    "WALLOPS",
    "SNOTICE",
    "LOGON",
    "EXIT",
    "PING",
    "PONG",
    "ERROR",
    "NOTIFY",
    "UNOTIFY",
    "CONNECTFAIL",
    "SERVERMODE",
    "SERVEROP",
    "HELP",
    "DEHELP",
    "OWNER",
    "DEOWNER",
    "ADMIN",
    "DEADMIN",
];

fn table_event(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if let Some((_, t)) = EVENTS.iter().find(|(l, _)| *l == lower) {
        return Some((*t).to_string());
    }
    let upper = name.to_ascii_uppercase();
    OTHER_EVENTS.contains(&upper.as_str()).then_some(upper)
}

fn lua_event(table: &str) -> String {
    EVENTS
        .iter()
        .find(|(_, t)| *t == table)
        .map_or_else(|| table.to_ascii_lowercase(), |(l, _)| (*l).to_string())
}

/// An error that says where in the script it happened.
fn err(lua: &Lua, msg: impl Into<String>) -> mlua::Error {
    let msg = msg.into();
    // Level 1 is the Lua function that called us.
    let place = lua.inspect_stack(1).and_then(|d| {
        let line = d.curr_line();
        let src = d.source().short_src.map(|s| s.to_string())?;
        (line > 0).then(|| format!("{src}:{line}: "))
    });
    mlua::Error::runtime(format!("{}{msg}", place.unwrap_or_default()))
}

fn ctx<R>(lua: &Lua, f: impl FnOnce(&Ctx) -> R) -> mlua::Result<R> {
    let c = lua
        .app_data_ref::<Ctx>()
        .ok_or_else(|| mlua::Error::runtime("no script context"))?;
    Ok(f(&c))
}

fn shared(lua: &Lua) -> mlua::Result<(Rc<Shared>, ScriptId, EngineId)> {
    ctx(lua, |c| {
        c.shared
            .upgrade()
            .map(|s| (s.clone(), c.script, s.id.get()))
    })?
    .ok_or_else(|| mlua::Error::runtime("the Lua engine is gone"))
}

/// Runs `/name args` on the host; a refusal becomes a Lua error naming the line.
fn command(lua: &Lua, name: &'static str, args: String) -> mlua::Result<()> {
    let r = with_host(lua, move |h| h.command(name, &args, false))?;
    match r {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(err(lua, e)),
        None => Err(err(lua, format!("unknown command /{name}"))),
    }
}

/// `$name(args)` from the host, as text (`None` for `$null`).
fn ident(lua: &Lua, name: &'static str, args: Vec<String>) -> mlua::Result<Option<String>> {
    let r = with_host(lua, move |h| {
        let args: Vec<MslValue> = args.into_iter().map(MslValue::from_string).collect();
        h.identifier(name, &args, None)
            .map(|r| r.map(|v| v.as_str().into_owned()))
    })?;
    match r {
        Some(Ok(s)) if s.is_empty() => Ok(None),
        Some(Ok(s)) => Ok(Some(s)),
        Some(Err(e)) => Err(err(lua, e)),
        None => Ok(None),
    }
}

/// Joins the arguments as `print` does (tab-separated, `tostring` of each).
fn joined(lua: &Lua, args: MultiValue) -> mlua::Result<String> {
    let mut parts = Vec::new();
    for v in args {
        let s = match &v {
            Value::String(s) => s.to_str()?.to_string(),
            Value::Nil => "nil".to_string(),
            Value::Boolean(b) => b.to_string(),
            _ => lua
                .globals()
                .get::<Function>("tostring")?
                .call::<String>(v)?,
        };
        parts.push(s);
    }
    Ok(parts.join(" "))
}

fn words(parts: &[Option<String>]) -> String {
    parts
        .iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Installs `irc` and `print` in a new state.
///
/// # Errors
/// When Lua runs out of memory.
#[allow(clippy::too_many_lines)]
pub fn install(lua: &Lua) -> mlua::Result<()> {
    let irc = lua.create_table()?;
    irc.set("HALT", HALT)?;
    irc.set("HALTDEF", HALTDEF)?;

    // --- connections ---
    irc.set(
        "connect",
        lua.create_function(|lua, (server, port): (String, Option<u16>)| {
            let args = match port {
                Some(p) => format!("{server} {p}"),
                None => server,
            };
            command(lua, "server", args)
        })?,
    )?;
    irc.set(
        "disconnect",
        lua.create_function(|lua, reason: Option<String>| match reason {
            Some(r) => command(lua, "quit", r),
            None => command(lua, "disconnect", String::new()),
        })?,
    )?;
    irc.set(
        "current_server",
        lua.create_function(|lua, ()| ident(lua, "server", Vec::new()))?,
    )?;
    irc.set(
        "servers",
        lua.create_function(|lua, ()| {
            let list = with_host(lua, |h| {
                let mut out = Vec::new();
                let text = |h: &mut dyn EngineHost, n: &str, a: &[MslValue]| {
                    h.identifier(n, a, None)
                        .and_then(Result::ok)
                        .map(|v| v.as_str().into_owned())
                        .unwrap_or_default()
                };
                let count: usize = text(h, "scon", &[MslValue::Int(0)]).parse().unwrap_or(0);
                for i in 1..=count.max(1) {
                    let cid: u64 = if count == 0 {
                        text(h, "cid", &[]).parse().unwrap_or(1)
                    } else {
                        let n = i64::try_from(i).unwrap_or(0);
                        text(h, "scon", &[MslValue::Int(n)]).parse().unwrap_or(0)
                    };
                    let back = h.switch_connection(cid);
                    out.push((
                        cid,
                        text(h, "server", &[]),
                        text(h, "network", &[]),
                        text(h, "me", &[]),
                    ));
                    h.switch_connection(back);
                }
                out
            })?;
            let t = lua.create_table()?;
            for (cid, server, network, nick) in list {
                let e = lua.create_table()?;
                e.set("id", cid)?;
                e.set("server", server)?;
                e.set("network", network)?;
                e.set("nick", nick)?;
                t.push(e)?;
            }
            Ok(t)
        })?,
    )?;

    // --- sending ---
    for name in ["raw", "send"] {
        irc.set(
            name,
            lua.create_function(|lua, line: String| command(lua, "raw", line))?,
        )?;
    }
    let two = |cmd: &'static str| {
        lua.create_function(move |lua, (target, text): (String, String)| {
            command(lua, cmd, format!("{target} {text}"))
        })
    };
    irc.set("privmsg", two("msg")?)?;
    irc.set("notice", two("notice")?)?;
    irc.set("action", two("describe")?)?;
    for (name, cmd) in [("ctcp", "ctcp"), ("ctcp_reply", "ctcpreply")] {
        irc.set(
            name,
            lua.create_function(
                move |lua, (target, what, args): (String, String, Option<String>)| {
                    command(
                        lua,
                        cmd,
                        words(&[Some(target), Some(what.to_ascii_uppercase()), args]),
                    )
                },
            )?,
        )?;
    }
    irc.set(
        "join",
        lua.create_function(|lua, (chan, key): (String, Option<String>)| {
            command(lua, "join", words(&[Some(chan), key]))
        })?,
    )?;
    irc.set(
        "part",
        lua.create_function(|lua, (chan, reason): (String, Option<String>)| {
            command(lua, "part", words(&[Some(chan), reason]))
        })?,
    )?;
    irc.set(
        "kick",
        lua.create_function(
            |lua, (chan, nick, reason): (String, String, Option<String>)| {
                command(lua, "kick", words(&[Some(chan), Some(nick), reason]))
            },
        )?,
    )?;
    irc.set(
        "topic",
        lua.create_function(|lua, (chan, text): (String, Option<String>)| {
            command(lua, "topic", words(&[Some(chan), text]))
        })?,
    )?;
    irc.set(
        "mode",
        lua.create_function(|lua, args: MultiValue| {
            let line = joined(lua, args)?;
            command(lua, "mode", line)
        })?,
    )?;
    irc.set(
        "nick",
        lua.create_function(|lua, nick: String| command(lua, "nick", nick))?,
    )?;
    irc.set(
        "away",
        lua.create_function(|lua, msg: Option<String>| {
            command(lua, "away", msg.unwrap_or_default())
        })?,
    )?;
    for (name, cmd) in [("whois", "whois"), ("who", "who")] {
        irc.set(
            name,
            lua.create_function(move |lua, (target, cb): (String, Option<Function>)| {
                if let Some(cb) = cb {
                    reply_collector(lua, cmd, &target, cb)?;
                }
                command(lua, cmd, target)
            })?,
        )?;
    }
    irc.set(
        "userhost",
        lua.create_function(|lua, (nicks, cb): (String, Option<Function>)| {
            if let Some(cb) = cb {
                reply_collector(lua, "userhost", &nicks, cb)?;
            }
            command(lua, "raw", format!("USERHOST {nicks}"))
        })?,
    )?;

    // --- state ---
    irc.set(
        "channels",
        lua.create_function(|lua, ()| {
            let names = with_host(lua, |h| h.channels())?;
            lua.create_sequence_from(names)
        })?,
    )?;
    irc.set(
        "users",
        lua.create_function(|lua, chan: String| {
            let users = with_host(lua, move |h| h.users(&chan))?;
            let t = lua.create_table()?;
            for (nick, prefix, address) in users {
                let u = lua.create_table()?;
                let modes: String = prefix.chars().filter_map(prefix_mode).collect();
                u.set("nick", nick)?;
                u.set("prefix", prefix)?;
                u.set("modes", modes)?;
                u.set("address", address)?;
                t.push(u)?;
            }
            Ok(t)
        })?,
    )?;
    irc.set(
        "my_nick",
        lua.create_function(|lua, ()| ident(lua, "me", Vec::new()))?,
    )?;
    irc.set(
        "is_op",
        lua.create_function(|lua, (chan, nick): (String, Option<String>)| {
            let nick = match nick {
                Some(n) => n,
                None => ident(lua, "me", Vec::new())?.unwrap_or_default(),
            };
            Ok(ident(lua, "op:isop", vec![nick, chan])?.as_deref() == Some("$true"))
        })?,
    )?;
    irc.set(
        "current_channel",
        lua.create_function(|lua, ()| {
            let active = with_host(lua, |h| h.active())?;
            let on = ident(lua, "op:ischan", vec![active.clone(), String::new()])?;
            Ok((on.as_deref() == Some("$true")).then_some(active))
        })?,
    )?;

    // --- output ---
    let print = lua.create_function(|lua, args: MultiValue| {
        let text = joined(lua, args)?;
        with_host(lua, move |h| h.echo("active", &text))
    })?;
    irc.set("print", print.clone())?;
    lua.globals().set("print", print)?;
    irc.set(
        "echo",
        lua.create_function(|lua, (window, text): (String, String)| {
            with_host(lua, move |h| h.echo(&window, &text))
        })?,
    )?;
    irc.set(
        "status",
        lua.create_function(|lua, text: String| with_host(lua, move |h| h.echo("status", &text)))?,
    )?;
    irc.set(
        "log",
        lua.create_function(|lua, (level, text): (String, String)| {
            let file = ctx(lua, |c| c.file.clone())?;
            let name = file.rsplit(['/', '\\']).next().unwrap_or(&file).to_string();
            with_host(lua, move |h| {
                h.echo("status", &format!("[{level}] {name}: {text}"));
            })
        })?,
    )?;
    irc.set(
        "set_topic_bar",
        lua.create_function(|lua, text: String| {
            with_host(lua, move |h| {
                let w = h.active();
                h.echo(&w, &format!("* Topic bar: {text}"));
            })
        })?,
    )?;

    // --- scripting ---
    irc.set(
        "eval",
        lua.create_function(|lua, text: String| {
            with_host(lua, move |h| h.eval(&text))?.map_err(|e| err(lua, e))
        })?,
    )?;
    irc.set(
        "command",
        lua.create_function(|lua, line: String| {
            let line = if line.starts_with('/') {
                line
            } else {
                format!("/{line}")
            };
            with_host(lua, move |h| h.run_line(&line))?.map_err(|e| err(lua, e))
        })?,
    )?;
    irc.set("on", lua.create_function(on)?)?;
    irc.set(
        "off",
        lua.create_function(|lua, handle: u64| {
            let (sh, script, engine) = shared(lua)?;
            let owned = sh
                .callbacks
                .borrow()
                .get(&handle)
                .is_some_and(|c| c.script == script);
            if owned {
                sh.callbacks.borrow_mut().remove(&handle);
                with_host(lua, move |h| h.remove_handler(engine, handle))?;
            }
            Ok(owned)
        })?,
    )?;
    irc.set("add_command", lua.create_function(add_command)?)?;
    irc.set(
        "remove_command",
        lua.create_function(|lua, name: String| {
            let (sh, script, _) = shared(lua)?;
            let handle = with_host(lua, move |h| h.remove_command(script, &name))?;
            if let Some(hd) = handle {
                // Aliases share the handle; keep the function while one is left.
                sh.callbacks.borrow_mut().remove(&hd);
            }
            Ok(handle.is_some())
        })?,
    )?;
    irc.set("timer", lua.create_function(timer)?)?;

    // --- storage and config ---
    let st = lua.create_table()?;
    st.set(
        "get",
        lua.create_function(|lua, key: String| storage::get(lua, &key))?,
    )?;
    st.set(
        "set",
        lua.create_function(|lua, (key, value): (String, Value)| storage::set(lua, &key, value))?,
    )?;
    st.set(
        "delete",
        lua.create_function(|lua, key: String| storage::set(lua, &key, Value::Nil))?,
    )?;
    st.set("keys", lua.create_function(|lua, ()| storage::keys(lua))?)?;
    irc.set("storage", st)?;
    irc.set(
        "config",
        lua.create_function(|lua, key: Option<String>| {
            let file = ctx(lua, |c| c.file.clone())?;
            let (me, dir) = with_host(lua, |h| {
                let me = h
                    .identifier("me", &[], None)
                    .and_then(Result::ok)
                    .map(|v| v.as_str().into_owned());
                (me, h.data_dir().map(|d| d.display().to_string()))
            })?;
            let t = lua.create_table()?;
            t.set("nick", me)?;
            t.set("data_dir", dir)?;
            t.set("script", file)?;
            t.set("engine", "lua")?;
            t.set("version", env!("CARGO_PKG_VERSION"))?;
            match key {
                Some(k) => t.get::<Value>(k),
                None => Ok(Value::Table(t)),
            }
        })?,
    )?;

    lua.globals().set("irc", irc)?;
    Ok(())
}

/// The mode letter of a membership prefix.
fn prefix_mode(c: char) -> Option<char> {
    Some(match c {
        '~' => 'q',
        '&' => 'a',
        '@' => 'o',
        '%' => 'h',
        '+' => 'v',
        _ => return None,
    })
}

/// Reads `irc.on`'s options: `priority`, `pre`, `channel`, `match`, `numeric`/`command`
/// (raw), `name` (signal).
fn on(lua: &Lua, (name, func, opts): (String, Function, Option<Table>)) -> mlua::Result<u64> {
    let event = table_event(&name).ok_or_else(|| err(lua, format!("unknown event '{name}'")))?;
    let (sh, script, engine) = shared(lua)?;
    let handle = sh.handle();
    let mut decl = HandlerDecl::new(&event, handle);
    if let Some(o) = &opts {
        decl.priority = o.get::<Option<i32>>("priority")?.unwrap_or(0);
        decl.prefixes.pre = o.get::<Option<bool>>("pre")?.unwrap_or(false);
        if let Some(c) = o.get::<Option<String>>("channel")? {
            decl.target = TargetFilter::parse(&c);
        }
        if let Some(m) = o.get::<Option<String>>("match")? {
            decl.matcher = Matcher::wild(&m);
        }
        let key = o
            .get::<Option<String>>("numeric")?
            .or(o.get::<Option<String>>("command")?);
        if let Some(k) = key {
            decl.key = Some(k);
        }
        if event == "SIGNAL" {
            if let Some(n) = o.get::<Option<String>>("name")? {
                decl.matcher = Matcher::wild(&n);
            }
        }
    }
    if event == "RAW" && decl.key.is_none() {
        decl.key = Some("*".to_string());
    }
    sh.callbacks.borrow_mut().insert(
        handle,
        Rc::new(Callback {
            script,
            func,
            label: format!("'{}' handler", name.to_ascii_lowercase()),
            left: Cell::new(0),
        }),
    );
    with_host(lua, move |h| h.add_handler(engine, script, decl))?;
    Ok(handle)
}

/// `irc.add_command(name, fn[, help | {help=, usage=, aliases=, complete=}])`.
fn add_command(
    lua: &Lua,
    (name, func, opts): (String, Function, Option<Value>),
) -> mlua::Result<u64> {
    let (sh, script, engine) = shared(lua)?;
    let name = name.trim_start_matches('/').to_ascii_lowercase();
    let mut spec = CommandSpec {
        name: name.clone(),
        ..CommandSpec::default()
    };
    let mut aliases = Vec::new();
    let mut completer = None;
    match opts {
        Some(Value::String(s)) => spec.help = s.to_str()?.to_string(),
        Some(Value::Table(t)) => {
            spec.help = t.get::<Option<String>>("help")?.unwrap_or_default();
            spec.usage = t.get::<Option<String>>("usage")?.unwrap_or_default();
            aliases = t.get::<Option<Vec<String>>>("aliases")?.unwrap_or_default();
            completer = t.get::<Option<Function>>("complete")?;
        }
        _ => {}
    }
    if let Some(func) = completer {
        let handle = sh.handle();
        sh.callbacks.borrow_mut().insert(
            handle,
            Rc::new(Callback {
                script,
                func,
                label: format!("/{name} completer"),
                left: Cell::new(0),
            }),
        );
        spec.complete = Some(handle);
    }
    let handle = sh.handle();
    sh.callbacks.borrow_mut().insert(
        handle,
        Rc::new(Callback {
            script,
            func,
            label: format!("/{name}"),
            left: Cell::new(0),
        }),
    );
    for n in std::iter::once(name.clone()).chain(aliases) {
        let spec = CommandSpec {
            name: n.trim_start_matches('/').to_ascii_lowercase(),
            ..spec.clone()
        };
        let r = with_host(lua, move |h| h.add_command(engine, script, handle, spec))?;
        if let Err(e) = r {
            return Err(err(lua, format!("irc.add_command: {e}")));
        }
    }
    Ok(handle)
}

/// `irc.timer(ms, fn[, count])` → a handle with `:cancel()`.
fn timer(lua: &Lua, (ms, func, count): (u64, Function, Option<u64>)) -> mlua::Result<Table> {
    let (sh, script, engine) = shared(lua)?;
    let count = count.unwrap_or(1);
    let handle = sh.handle();
    sh.callbacks.borrow_mut().insert(
        handle,
        Rc::new(Callback {
            script,
            func,
            label: "timer".to_string(),
            left: Cell::new(count),
        }),
    );
    let name = with_host(lua, move |h| h.add_timer(engine, script, handle, ms, count))?;
    let t = lua.create_table()?;
    t.set("name", name.clone())?;
    let weak = Rc::downgrade(&sh);
    t.set(
        "cancel",
        lua.create_function(move |lua, _: Value| {
            if let Some(sh) = weak.upgrade() {
                sh.callbacks.borrow_mut().remove(&handle);
            }
            let name = name.clone();
            with_host(lua, move |h| h.cancel_timer(&name))
        })?,
    )?;
    Ok(t)
}

/// One-shot raw handlers that gather the replies to a WHOIS, WHO or USERHOST and call `cb`
/// with them once the end reply comes.
fn reply_collector(lua: &Lua, what: &str, target: &str, cb: Function) -> mlua::Result<()> {
    let (numerics, end): (&[&str], &[&str]) = match what {
        "whois" => (
            &["311", "312", "313", "317", "319", "330", "338", "671"],
            &["318", "401", "402"],
        ),
        "who" => (&["352", "354"], &["315"]),
        _ => (&["302"], &["302"]),
    };
    let code = r#"
local numerics, ends, cb, target = ...
local result = { target = target, replies = {} }
local handles = {}
local function done()
  for _, h in ipairs(handles) do irc.off(h) end
  cb(result)
end
local function add(ev)
  local p = ev.params or {}
  local n = ev.numeric
  table.insert(result.replies, { numeric = n, params = p, text = ev.text })
  if n == "311" then result.nick, result.user, result.host, result.realname = p[2], p[3], p[4], p[#p]
  elseif n == "312" then result.server = p[3]
  elseif n == "313" then result.operator = true
  elseif n == "317" then result.idle = tonumber(p[3])
  elseif n == "319" then result.channels = p[#p]
  elseif n == "330" then result.account = p[3]
  elseif n == "352" then
    result.users = result.users or {}
    table.insert(result.users, { channel = p[2], user = p[3], host = p[4], server = p[5], nick = p[6], flags = p[7] })
  elseif n == "302" then
    result.users = {}
    for item in string.gmatch(p[#p] or "", "%S+") do
      local nick, away, addr = string.match(item, "^([^=*]+)(%*?)=[+-](.+)$")
      if nick then table.insert(result.users, { nick = nick, address = addr, oper = away == "*" }) end
    end
  elseif n == "401" or n == "402" then result.error = p[#p]
  end
end
for _, n in ipairs(numerics) do
  table.insert(handles, irc.on("raw", function(ev) add(ev) end, { numeric = n }))
end
for _, n in ipairs(ends) do
  table.insert(handles, irc.on("raw", function(ev) add(ev); done() end, { numeric = n }))
end
"#;
    let f = lua
        .load(code)
        .set_name("=irc.".to_string() + what)
        .into_function()?;
    f.call::<()>((
        lua.create_sequence_from(numerics.iter().copied())?,
        lua.create_sequence_from(end.iter().copied())?,
        cb,
        target.to_string(),
    ))
}

/// The table a handler gets for `ev`.
///
/// # Errors
/// When Lua runs out of memory.
pub fn event_table(lua: &Lua, ev: &EngineEvent) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(0, 16)?;
    t.raw_set("name", lua_event(&ev.name))?;
    t.raw_set("server", ev.server.as_deref())?;
    t.raw_set("network", ev.network.as_deref())?;
    t.raw_set("nick", ev.nick.as_deref())?;
    t.raw_set("address", ev.address.as_deref())?;
    t.raw_set("channel", ev.channel.as_deref())?;
    t.raw_set("target", ev.target.as_deref().or(ev.channel.as_deref()))?;
    t.raw_set("text", ev.text.as_str())?;
    t.raw_set("halted", ev.halted)?;
    t.raw_set("pre", ev.pre)?;
    match ev.name.as_str() {
        "KICK" => {
            t.raw_set("knick", ev.other_nick.as_deref())?;
            t.raw_set("reason", ev.text.as_str())?;
        }
        "NICK" => t.raw_set("new_nick", ev.other_nick.as_deref())?,
        "PART" | "QUIT" | "DISCONNECT" => t.raw_set("reason", ev.text.as_str())?,
        "MODE" | "RAWMODE" | "USERMODE" | "SERVERMODE" => t.raw_set("modes", ev.text.as_str())?,
        "OP" | "DEOP" | "VOICE" | "DEVOICE" | "HELP" | "DEHELP" | "OWNER" | "DEOWNER" | "ADMIN"
        | "DEADMIN" | "SERVEROP" => t.raw_set("target", ev.other_nick.as_deref())?,
        "BAN" | "UNBAN" => {
            t.raw_set("mask", ev.text.as_str())?;
            t.raw_set("target", ev.other_nick.as_deref())?;
        }
        "SIGNAL" => t.raw_set("signal", ev.key.as_deref())?,
        "RAW" => {
            t.raw_set("numeric", ev.key.as_deref())?;
            if let Some(raw) = &ev.raw {
                if let Ok(m) = rustirc_core::proto::Message::parse(raw) {
                    t.raw_set("params", lua.create_sequence_from(m.params)?)?;
                    t.raw_set("command", m.command)?;
                }
            }
            t.raw_set("line", ev.raw.as_deref())?;
        }
        "CTCP" | "CTCPREPLY" => {
            let (cmd, args) = ev.text.split_once(' ').unwrap_or((&ev.text, ""));
            t.raw_set("command", cmd.to_ascii_uppercase())?;
            t.raw_set("args", args)?;
        }
        _ => {}
    }
    Ok(t)
}
