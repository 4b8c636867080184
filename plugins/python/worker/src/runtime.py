"""The Python side of rustirc-python-worker: the `irc` module, handler discovery, the event
object and error reports. Trusted code: it runs before any script, in the worker only."""

import ast
import builtins
import importlib.util
import inspect
import json
import os
import signal
import sys
import types

import _rustirc

# --- what scripts may import -----------------------------------------------------------

ALLOWED_MODULES = frozenset("""
irc abc array asyncio base64 binascii bisect calendar collections colorsys contextlib copy
csv dataclasses datetime decimal difflib enum fnmatch fractions functools hashlib heapq
hmac html inspect itertools json keyword math numbers operator pprint random re sched
secrets shlex statistics string struct textwrap time timeit typing unicodedata uuid
urllib.parse zlib
""".split())

# Imported before confinement, so scripts importing them find them loaded.
for _name in ("re", "json", "random", "math", "time", "datetime", "collections",
              "functools", "itertools", "string", "textwrap", "typing", "dataclasses",
              "enum", "hashlib", "base64", "asyncio", "urllib.parse"):
    try:
        __import__(_name)
    except ImportError:
        pass

MEMORY_MB = [512]

# What confines the worker, in words (limits, then the layers put in place at load).
SANDBOX = []


def set_memory_limit(mb):
    MEMORY_MB[0] = mb


# --- deadlines -------------------------------------------------------------------------


class Deadline(BaseException):
    """Raised in a script when its call passes its deadline."""


_running = [False]


def _on_interrupt(signum, frame):
    if _running[0]:
        raise Deadline()


signal.signal(signal.SIGINT, _on_interrupt)


# --- host calls ------------------------------------------------------------------------


class IrcError(Exception):
    """An `irc` function the client refused (an unknown command, a bad argument)."""


def _host(c, **kw):
    kw["c"] = c
    answer = json.loads(_rustirc.host_call(json.dumps(kw)))
    if "Err" in answer:
        raise IrcError(answer["Err"])
    return answer["Ok"]


def _command(name, args):
    _host("command", name=name, args=args)


def _ident(name, *args):
    v = _host("identifier", name=name, args=[str(a) for a in args])
    return v if v else None


def _words(*parts):
    return " ".join(str(p) for p in parts if p is not None and str(p) != "")


def _text(args, sep=" "):
    return sep.join(str(a) for a in args)


# --- events ----------------------------------------------------------------------------

EVENTS = {
    "message": "TEXT", "action": "ACTION", "notice": "NOTICE", "join": "JOIN",
    "part": "PART", "kick": "KICK", "quit": "QUIT", "nick": "NICK", "mode": "MODE",
    "rawmode": "RAWMODE", "op": "OP", "deop": "DEOP", "voice": "VOICE",
    "devoice": "DEVOICE", "ban": "BAN", "unban": "UNBAN", "topic": "TOPIC",
    "invite": "INVITE", "ctcp": "CTCP", "ctcpreply": "CTCPREPLY", "connect": "CONNECT",
    "disconnect": "DISCONNECT", "raw": "RAW", "input": "INPUT", "signal": "SIGNAL",
}
OTHER_EVENTS = ("USERMODE WALLOPS SNOTICE LOGON EXIT PING PONG ERROR NOTIFY UNOTIFY "
                "CONNECTFAIL SERVERMODE SERVEROP HELP DEHELP OWNER DEOWNER ADMIN "
                "DEADMIN").split()
_TABLE_TO_PY = {v: k for k, v in EVENTS.items()}


def _table_event(name):
    low = name.lower()
    if low in EVENTS:
        return EVENTS[low]
    up = name.upper()
    return up if up in OTHER_EVENTS else None


def _parse_line(line):
    """Splits a raw IRC line into (command, params)."""
    if line.startswith("@"):
        line = line.split(" ", 1)[1] if " " in line else ""
    if line.startswith(":"):
        line = line.split(" ", 1)[1] if " " in line else ""
    trailing = None
    if " :" in line:
        line, trailing = line.split(" :", 1)
    parts = line.split()
    if trailing is not None:
        parts.append(trailing)
    if not parts:
        return "", []
    return parts[0].upper(), parts[1:]


class Event:
    """One occurrence of an event. Attributes are named as in the Lua API: `name`, `nick`,
    `address`, `channel`, `target`, `text`, `server`, `network`, `halted`, `pre`, and per
    event `knick`, `reason`, `new_nick`, `modes`, `mask`, `signal`, `numeric`, `params`,
    `command`, `line`, `args`. Setting `text` changes what later handlers and the default
    display see."""

    def __init__(self, ev):
        name = ev["name"]
        text = ev.get("text") or ""
        self.name = _TABLE_TO_PY.get(name, name.lower())
        self.server = ev.get("server")
        self.network = ev.get("network")
        self.nick = ev.get("nick")
        self.address = ev.get("address")
        self.channel = ev.get("channel")
        self.target = ev.get("target") or ev.get("channel")
        self.text = text
        self.halted = bool(ev.get("halted"))
        self.pre = bool(ev.get("pre"))
        other = ev.get("other_nick")
        if name == "KICK":
            self.knick = other
            self.reason = text
        elif name == "NICK":
            self.new_nick = other
        elif name in ("PART", "QUIT", "DISCONNECT"):
            self.reason = text
        elif name in ("MODE", "RAWMODE", "USERMODE", "SERVERMODE"):
            self.modes = text
        elif name in ("OP", "DEOP", "VOICE", "DEVOICE", "HELP", "DEHELP", "OWNER",
                      "DEOWNER", "ADMIN", "DEADMIN", "SERVEROP"):
            self.target = other
        elif name in ("BAN", "UNBAN"):
            self.mask = text
            self.target = other
        elif name == "SIGNAL":
            self.signal = ev.get("key")
        elif name == "RAW":
            self.numeric = ev.get("key")
            raw = ev.get("raw")
            if raw:
                self.command, self.params = _parse_line(raw)
            self.line = raw
        elif name in ("CTCP", "CTCPREPLY"):
            cmd, _, args = text.partition(" ")
            self.command = cmd.upper()
            self.args = args

    def __repr__(self):
        return "Event(%s)" % ", ".join(
            "%s=%r" % (k, v) for k, v in vars(self).items() if v is not None)


# --- the script ------------------------------------------------------------------------


class _Script:
    def __init__(self, sid, file, data_dir, grants):
        self.id = sid
        self.file = file
        self.data_dir = data_dir
        self.grants = grants
        self.module = None
        self.handlers = {}
        self.commands = {}
        self.timers = {}
        self.completers = {}
        self.storage = None

    def handle(self):
        # Numbered across the worker, so a handle names its script in a shared worker.
        _next_handle[0] += 1
        _OWNERS[_next_handle[0]] = self
        return _next_handle[0]


_script = [None]
# The scripts of this worker by the client's id (one, unless the worker is shared), and the
# script that owns each handle.
SCRIPTS = {}
_OWNERS = {}
_next_handle = [0]


def _enter(s):
    """Makes `s` the running script: its permissions, its folder for relative paths."""
    if _script[0] is not s:
        _script[0] = s
        if s.data_dir and os.path.isdir(s.data_dir):
            os.chdir(s.data_dir)


def _forget(s):
    SCRIPTS.pop(s.id, None)
    for h in [h for h, o in _OWNERS.items() if o is s]:
        del _OWNERS[h]
    if _script[0] is s:
        _script[0] = None


def _me():
    s = _script[0]
    if s is None:
        raise IrcError("no script is loaded")
    return s


def _name_of(file):
    base = os.path.basename(file)
    return base[:-3] if base.lower().endswith(".py") else base


# --- the irc module --------------------------------------------------------------------

irc = types.ModuleType("irc", "RustIRC's API for Python scripts (the same as the Lua API's "
                       "`irc` table, in snake_case). Every function is a call on the client, "
                       "so it behaves exactly as the same mSL command would.")
irc.HALT = 2
irc.HALTDEF = 1
irc.IrcError = IrcError
irc.Deadline = Deadline
irc.Event = Event


def _export(f):
    setattr(irc, f.__name__, f)
    return f


@_export
def privmsg(target, text):
    """Sends a message to a channel or nick (mSL /msg)."""
    _command("msg", "%s %s" % (target, text))


@_export
def notice(target, text):
    """Sends a notice (mSL /notice)."""
    _command("notice", "%s %s" % (target, text))


@_export
def action(target, text):
    """Sends an action, /me style (mSL /describe)."""
    _command("describe", "%s %s" % (target, text))


@_export
def ctcp(target, what, args=None):
    """Sends a CTCP request (mSL /ctcp)."""
    _command("ctcp", _words(target, str(what).upper(), args))


@_export
def ctcp_reply(target, what, args=None):
    """Sends a CTCP reply (mSL /ctcpreply)."""
    _command("ctcpreply", _words(target, str(what).upper(), args))


@_export
def join(channel, key=None):
    """Joins a channel."""
    _command("join", _words(channel, key))


@_export
def part(channel, reason=None):
    """Leaves a channel."""
    _command("part", _words(channel, reason))


@_export
def kick(channel, nick, reason=None):
    """Kicks a nick from a channel."""
    _command("kick", _words(channel, nick, reason))


@_export
def topic(channel, text=None):
    """Sets (or with no text, asks for) a channel's topic."""
    _command("topic", _words(channel, text))


@_export
def mode(*args):
    """Sets modes: `irc.mode("#c", "+o", "bob")` (mSL /mode)."""
    _command("mode", _text(args))


@_export
def nick(new_nick):
    """Changes my nick."""
    _command("nick", str(new_nick))


@_export
def away(message=None):
    """Sets an away message, or with none comes back."""
    _command("away", message or "")


@_export
def send(line):
    """Sends a raw line to the server (mSL /raw)."""
    _command("raw", str(line))


irc.raw = send


def _collector(what, target, callback):
    numerics, ends = {
        "whois": (("311", "312", "313", "317", "319", "330", "338", "671"),
                  ("318", "401", "402")),
        "who": (("352", "354"), ("315",)),
    }.get(what, (("302",), ("302",)))
    result = {"target": target, "replies": []}
    handles = []

    def add(ev):
        p = getattr(ev, "params", None) or []
        n = ev.numeric
        result["replies"].append({"numeric": n, "params": p, "text": ev.text})
        if n == "311" and len(p) >= 4:
            result.update(nick=p[1], user=p[2], host=p[3], realname=p[-1])
        elif n == "312" and len(p) >= 3:
            result["server"] = p[2]
        elif n == "313":
            result["operator"] = True
        elif n == "317" and len(p) >= 3:
            result["idle"] = int(p[2]) if p[2].isdigit() else None
        elif n == "319":
            result["channels"] = p[-1]
        elif n == "330" and len(p) >= 3:
            result["account"] = p[2]
        elif n == "352" and len(p) >= 7:
            result.setdefault("users", []).append(dict(
                channel=p[1], user=p[2], host=p[3], server=p[4], nick=p[5], flags=p[6]))
        elif n == "302":
            users = result["users"] = []
            for item in (p[-1] if p else "").split():
                name, _, addr = item.partition("=")
                users.append({"nick": name.rstrip("*"), "address": addr[1:],
                              "oper": name.endswith("*")})
        elif n in ("401", "402"):
            result["error"] = p[-1] if p else ""

    def done(ev):
        add(ev)
        for h in handles:
            off(h)
        callback(result)

    for n in numerics:
        if n not in ends:
            handles.append(on("raw", add, numeric=n))
    for n in ends:
        handles.append(on("raw", done, numeric=n))


@_export
def whois(nick, callback=None):
    """Asks for WHOIS; `callback(result)` gets the replies gathered (`nick`, `user`, `host`,
    `realname`, `server`, `channels`, `idle`, `account`, `replies`)."""
    if callback is not None:
        _collector("whois", nick, callback)
    _command("whois", str(nick))


@_export
def who(target, callback=None):
    """Asks for WHO; `callback(result)` gets `result["users"]`."""
    if callback is not None:
        _collector("who", target, callback)
    _command("who", str(target))


@_export
def userhost(nicks, callback=None):
    """Asks for USERHOST; `callback(result)` gets `result["users"]`."""
    if callback is not None:
        _collector("userhost", nicks, callback)
    _command("raw", "USERHOST %s" % nicks)


@_export
def connect(server, port=None):
    """Connects to a server (mSL /server)."""
    _command("server", _words(server, port))


@_export
def disconnect(reason=None):
    """Quits with a reason, or disconnects."""
    if reason is None:
        _command("disconnect", "")
    else:
        _command("quit", str(reason))


@_export
def servers():
    """The connections: a list of dicts with `id`, `server`, `network`, `nick`."""
    return _host("servers")


@_export
def current_server():
    """The server of the current connection, or None."""
    return _ident("server")


@_export
def channels():
    """The channels I am on."""
    return _host("channels")


_PREFIX_MODES = {"~": "q", "&": "a", "@": "o", "%": "h", "+": "v"}


@_export
def users(channel):
    """The users on a channel: dicts with `nick`, `prefix`, `modes`, `address`."""
    out = []
    for u in _host("users", channel=str(channel)):
        u["modes"] = "".join(_PREFIX_MODES[c] for c in u["prefix"] if c in _PREFIX_MODES)
        out.append(u)
    return out


@_export
def my_nick():
    """My nick ($me)."""
    return _ident("me")


@_export
def is_op(channel, nick=None):
    """Whether a nick (me by default) is an operator on a channel."""
    if nick is None:
        nick = _ident("me") or ""
    return _ident("op:isop", nick, channel) == "$true"


@_export
def current_channel():
    """The active window when it is a channel I am on, else None."""
    active = _host("active")
    return active if _ident("op:ischan", active, "") == "$true" else None


@_export
def print(*args, sep=" ", end=None, file=None, flush=False):
    """Shows text in the active window (the script's `print` too)."""
    _host("echo", window="active", text=sep.join(str(a) for a in args))


@_export
def echo(window, text):
    """Shows text in a window (`status`, `active`, a channel, a nick)."""
    _host("echo", window=str(window), text=str(text))


@_export
def status(text):
    """Shows text in the status window."""
    _host("echo", window="status", text=str(text))


@_export
def log(level, text=None):
    """Writes to the script log (shown in the status window as `[level] name: text`)."""
    if text is None:
        level, text = "info", level
    _host("echo", window="status",
          text="[%s] %s: %s" % (level, os.path.basename(_me().file), text))


@_export
def set_topic_bar(text):
    """Shows text as the active window's topic bar."""
    w = _host("active")
    _host("echo", window=w, text="* Topic bar: %s" % text)


@_export
def eval(text):
    """Evaluates mSL text (`irc.eval("$upper(x)")`)."""
    return _host("eval", text=str(text))


@_export
def command(line):
    """Runs a command line as if typed (`irc.command("/msg #c hi")`)."""
    line = str(line)
    if not line.startswith("/"):
        line = "/" + line
    _host("run_line", line=line)


@_export
def on(event, func=None, priority=0, pre=False, channel=None, match=None, numeric=None,
       command=None, name=None):
    """Registers a handler. As a decorator: `@irc.on("join")`; or `irc.on("join", fn)`,
    which returns a handle for `irc.off`. Options: `priority` (higher first), `pre` (before
    the default action), `channel`, `match` (wildcard on the text), `numeric`/`command`
    (raw), `name` (signal)."""
    table = _table_event(str(event))
    if table is None:
        raise IrcError("unknown event '%s'" % event)

    def register(f):
        if not callable(f):
            raise IrcError("irc.on: the handler must be a function")
        s = _me()
        h = s.handle()
        key = numeric if numeric is not None else command
        matcher = match
        if table == "SIGNAL" and name is not None:
            matcher = name
        if table == "RAW" and key is None:
            key = "*"
        s.handlers[h] = (f, "'%s' handler" % str(event).lower())
        _host("on", handle=h, event=table, priority=int(priority), pre=bool(pre),
              channel=channel, matcher=matcher, key=None if key is None else str(key))
        try:
            f.__irc_handle__ = h
        except (AttributeError, TypeError):
            pass
        return h

    if func is not None:
        return register(func)

    def decorator(f):
        register(f)
        return f
    return decorator


@_export
def off(handle):
    """Removes a handler `irc.on` registered; whether it was this script's."""
    s = _me()
    handle = getattr(handle, "__irc_handle__", handle)
    if handle in s.handlers:
        del s.handlers[handle]
        _host("off", handle=handle)
        return True
    return False


@_export
def add_command(name, fn=None, help=None, usage=None, aliases=(), complete=None):
    """Registers `/name`; `fn(args, raw)` gets the words and the text as typed, and a string
    it returns is shown in the active window. `aliases` are more names for it;
    `complete(args, word)` is its tab completer (the words before the one being completed,
    and that word; it returns a list of strings). Usable as a decorator:
    `@irc.add_command("greet", help="Greets")`."""
    if isinstance(aliases, str):
        aliases = (aliases,)

    def register(f):
        s = _me()
        cname = str(name).lstrip("/").lower()
        h = s.handle()
        s.commands[h] = (f, "/" + cname)
        ch = None
        if complete is not None:
            if not callable(complete):
                raise IrcError("irc.add_command: complete must be a function")
            ch = s.handle()
            s.completers[ch] = complete
        for n in (cname,) + tuple(aliases or ()):
            _host("add_command", handle=h, name=str(n).lstrip("/").lower(),
                  help=help or "", usage=usage or "", complete=ch)
        return h

    if fn is not None:
        return register(fn)

    def decorator(f):
        register(f)
        return f
    return decorator


irc.register_command = add_command


@_export
def remove_command(name):
    """Removes a command this script registered; whether it had it."""
    return bool(_host("remove_command", name=str(name).lstrip("/").lower()))


class Timer:
    """A running timer: `name`, and `cancel()`."""

    def __init__(self, handle, name):
        self.handle = handle
        self.name = name

    def cancel(self):
        """Stops the timer."""
        _me().timers.pop(self.handle, None)
        _host("cancel_timer", name=self.name)

    def __repr__(self):
        return "Timer(%r)" % self.name


@_export
def timer(ms, fn, count=1):
    """Calls `fn()` after `ms` milliseconds, `count` times (0: until cancelled)."""
    s = _me()
    h = s.handle()
    s.timers[h] = [fn, int(count)]
    name = _host("add_timer", handle=h, ms=int(ms), count=int(count))
    return Timer(h, name)


class Response:
    """What `irc.http` got: `status`, `headers` (a dict, names in lower case), `text`,
    `url` (where the answer came from, after redirects on the same host), `ok` (a 2xx
    status), and `json()`."""

    def __init__(self, answer):
        self.status = answer["status"]
        self.headers = {k: v for k, v in answer["headers"]}
        self.text = answer["body"]
        self.url = answer["url"]
        self.ok = 200 <= self.status < 300

    def json(self):
        """The body parsed as JSON."""
        return json.loads(self.text)

    def __repr__(self):
        return "Response(%d, %r)" % (self.status, self.url)


irc.Response = Response


@_export
def http(url, method="GET", body=None, headers=None, timeout=None):
    """Makes an HTTP request through the client and returns a `Response`. Needs the
    network permission for the URL's host and port (`connect:HOST:PORT` or `network`); the
    client refuses it otherwise, raising `IrcError`. The wait counts toward the call's
    deadline (1 s by default); `timeout` (seconds) can only shorten it. `body` is text or a
    dict/list (sent as JSON); answers up to 4 MiB are read."""
    hdrs = [[str(k), str(v)] for k, v in (headers or {}).items()]
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        if not any(k.lower() == "content-type" for k, _ in hdrs):
            hdrs.append(["Content-Type", "application/json"])
    ms = 3600 * 1000 if timeout is None else max(1, int(float(timeout) * 1000))
    answer = _host("http", method=str(method).upper(), url=str(url), headers=hdrs,
                   body="" if body is None else str(body), timeout_ms=ms)
    return Response(answer)


@_export
def config(key=None):
    """The script's settings: `nick`, `data_dir`, `script`, `engine`, `version`, and
    `sandbox` (what confines the worker, in words)."""
    s = _me()
    c = {"nick": _ident("me"), "data_dir": s.data_dir, "script": s.file,
         "engine": "python", "version": _VERSION[0], "sandbox": ", ".join(SANDBOX)}
    return c.get(key) if key is not None else c


_VERSION = ["0.1.0"]


class _Storage(types.ModuleType):
    """`irc.storage`: the script's own key-value store, kept as JSON in its data folder
    (`storage.json`) and written on every change. Values are strings, numbers, booleans,
    None, and lists and dicts of those."""

    def _load(self):
        s = _me()
        if s.storage is None:
            s.storage = {}
            if s.data_dir:
                try:
                    with builtins.open(os.path.join(s.data_dir, "storage.json")) as f:
                        s.storage = json.load(f)
                except (OSError, ValueError):
                    pass
        return s.storage

    def _save(self):
        s = _me()
        if not s.data_dir:
            return
        path = os.path.join(s.data_dir, "storage.json")
        tmp = path + ".tmp"
        with builtins.open(tmp, "w") as f:
            json.dump(s.storage, f)
        os.replace(tmp, path)

    def get(self, key, default=None):
        """The value of `key`, or `default`."""
        return self._load().get(str(key), default)

    def set(self, key, value):
        """Stores `value` under `key` (None deletes it)."""
        try:
            json.dumps(value)
        except (TypeError, ValueError) as e:
            raise IrcError("irc.storage.set: %s cannot be stored: %s" % (key, e))
        d = self._load()
        if value is None:
            d.pop(str(key), None)
        else:
            d[str(key)] = value
        self._save()

    def delete(self, key):
        """Removes `key`."""
        self.set(key, None)

    def keys(self):
        """The stored keys, sorted."""
        return sorted(self._load())


irc.storage = _Storage("irc.storage")


# --- the sandboxed builtins ------------------------------------------------------------


def _inside(path, root):
    path = os.path.realpath(path)
    root = os.path.realpath(root)
    return path == root or path.startswith(root + os.sep)


def _safe_open(file, mode="r", *args, **kw):
    s = _me()
    if isinstance(file, int):
        raise PermissionError("open: file descriptors are not allowed in scripts")
    path = os.fspath(file)
    if not os.path.isabs(path) and s.data_dir:
        path = os.path.join(s.data_dir, path)
    writing = any(c in str(mode) for c in "wax+")
    roots = [s.data_dir] if s.data_dir else []
    roots += _granted(s.grants, writing)
    if not any(_inside(path, r) for r in roots):
        raise PermissionError(
            "open: %s is outside the script's data folder (%s); a file permission grants it"
            % (file, s.data_dir or "none"))
    return builtins.open(path, mode, *args, **kw)


def _safe_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level != 0:
        raise ImportError("relative imports are not allowed in scripts")
    if not _allowed(name):
        raise ImportError("import of '%s' is not allowed in scripts" % name)
    if name == "irc":
        return irc
    return builtins.__import__(name, globals, locals, fromlist, level)


def _allowed(name):
    parts = name.split(".")
    return any(".".join(parts[:i]) in ALLOWED_MODULES for i in range(1, len(parts) + 1))


_BLOCKED_BUILTINS = ("exec", "eval", "compile", "input", "breakpoint", "help", "exit",
                     "quit", "memoryview")


def _refused(name):
    def refused(*args, **kw):
        raise PermissionError("%s() is not available in scripts" % name)
    refused.__name__ = name
    return refused


def _builtins():
    b = dict(vars(builtins))
    for name in _BLOCKED_BUILTINS:
        b[name] = _refused(name)
    b["open"] = _safe_open
    b["__import__"] = _safe_import
    b["print"] = print
    return b


# --- confinement -----------------------------------------------------------------------


def confine_paths(data_dir, grants):
    """The folders the worker may read (the Python installation) and write (the script's
    data folder, and paths a file permission grants), for the operating-system layer."""
    read = []
    for p in sys.path + [sys.prefix, sys.exec_prefix, sys.base_prefix]:
        if p and os.path.isdir(p) and p not in read:
            read.append(os.path.realpath(p))
    write = [data_dir] if data_dir else []
    write += _granted(grants, True)
    read += [p for p in _granted(grants, False) if p not in write]
    return read, write


def _granted(grants, writing):
    """The paths `file-write:` grants give (and, when only reading, `file-read:`)."""
    prefixes = ("file-write:",) if writing else ("file-write:", "file-read:")
    return [g.split(":", 1)[1] for g in grants if g.startswith(prefixes)]


# Audit events a running script may not cause (the Python layer; the operating system
# refuses the same things below it).
_REFUSED_EVENTS = {
    "os.system": "running programs",
    "os.exec": "running programs",
    "os.posix_spawn": "running programs",
    "os.spawn": "running programs",
    "os.fork": "starting processes",
    "os.forkpty": "starting processes",
    "os.kill": "signalling processes",
    "os.killpg": "signalling processes",
    "subprocess.Popen": "running programs",
    "pty.spawn": "running programs",
    "socket.__new__": "sockets",
    "socket.connect": "sockets",
    "socket.bind": "sockets",
    "socket.getaddrinfo": "name lookups",
    "ctypes.dlopen": "loading native code",
    "ctypes.dlsym": "loading native code",
    "ctypes.cdata": "raw memory",
    "ctypes.call_function": "native calls",
    "gc.get_objects": "walking the interpreter's objects",
    "gc.get_referrers": "walking the interpreter's objects",
    "gc.get_referents": "walking the interpreter's objects",
    "sys._current_frames": "other threads' frames",
    "pickle.find_class": "unpickling objects",
    "code.__new__": "making code objects",
    "sys.settrace": "tracing",
    "sys.setprofile": "tracing",
    "os.chdir": "changing folders",
}

_RUNTIME_GLOBALS = globals()


def _audit(event, args):
    if not _running[0]:
        return
    why = _REFUSED_EVENTS.get(event)
    if why is not None:
        raise PermissionError("%s: %s is not allowed in scripts" % (event, why))
    if event == "sys._getframe":
        frame = args[0] if args else None
        if frame is not None and frame.f_globals is _RUNTIME_GLOBALS:
            raise PermissionError("sys._getframe: the client's frames are not the script's")
    elif event == "object.__getattr__":
        if len(args) > 1 and args[1] in ("tb_frame", "gi_frame", "cr_frame", "ag_frame",
                                         "f_back"):
            frame = getattr(args[0], "f_globals", None)
            if frame is _RUNTIME_GLOBALS:
                raise PermissionError("frames of the client are not the script's")
    elif event == "open":
        _check_open(args)


def _check_open(args):
    path, mode = args[0], args[1] if len(args) > 1 else "r"
    if isinstance(path, int):
        return
    try:
        path = os.fsdecode(path)
    except TypeError:
        return
    s = _script[0]
    writing = mode is not None and any(c in str(mode) for c in "wax+") or (
        isinstance(mode, int) and mode & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    roots = ([s.data_dir] if s and s.data_dir else [])
    roots += _granted(s.grants if s else (), bool(writing))
    if any(_inside(path, r) for r in roots):
        return
    if not writing and any(_inside(path, r) for r in _PYTHON_PATHS):
        return
    raise PermissionError("open: %s is outside the script's data folder (%s)"
                          % (path, s.data_dir if s and s.data_dir else "none"))


_PYTHON_PATHS = confine_paths(None, [])[0]
sys.addaudithook(_audit)


# --- loading ---------------------------------------------------------------------------


def _check_imports(tree, file):
    problems = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                problems.append("%s:%d: relative imports are not allowed in scripts"
                                % (file, node.lineno))
                continue
            names = [node.module or ""]
        for n in names:
            if not _allowed(n):
                problems.append("%s:%d: import of '%s' is not allowed in scripts"
                                % (file, node.lineno, n))
            elif n != "irc" and n not in sys.modules:
                try:
                    found = importlib.util.find_spec(n) is not None
                except (ImportError, ValueError):
                    found = False
                if not found:
                    problems.append("%s:%d: module '%s' is not installed"
                                    % (file, node.lineno, n))
    return problems


def _compile(source, file):
    """The code object and the problems (syntax and imports), `file:line: message` each."""
    try:
        tree = ast.parse(source, filename=file)
    except SyntaxError as e:
        return None, ["%s:%s: %s" % (file, e.lineno or 0, e.msg)]
    problems = _check_imports(tree, file)
    if problems:
        return None, problems
    return compile(tree, file, "exec"), []


_LIFECYCLE = ("on_load", "on_unload")


def _discover(module):
    for attr, value in list(vars(module).items()):
        if not attr.startswith("on_") or attr in _LIFECYCLE or not callable(value):
            continue
        if getattr(value, "__irc_handle__", None) is not None:
            continue
        if _table_event(attr[3:]) is None:
            continue
        on(attr[3:], value)


def _meta(module, file):
    g = vars(module)
    doc = (g.get("__doc__") or "").strip()
    desc = g.get("__description__") or (doc.splitlines()[0] if doc else "")
    perms = g.get("__permissions__") or ()
    if isinstance(perms, str):
        perms = [perms]
    name = g.get("__script_name__")
    if not name and g.get("__name__") not in (None, _name_of(file)):
        name = g.get("__name__")
    return {
        "name": str(name or _name_of(file)),
        "version": str(g.get("__version__") or ""),
        "author": str(g.get("__author__") or ""),
        "description": str(desc),
        "permissions": [str(p) for p in perms],
        "requires": str(g.get("__requires__") or ""),
    }


# The loop async handlers run on, made before the confinement (it opens a socket pair to
# wake itself).
import asyncio as _asyncio
_loop = [_asyncio.new_event_loop()]


def _run(f, *args):
    """Calls a script function with the deadline armed; awaits a coroutine on the worker's
    asyncio loop."""
    _running[0] = True
    try:
        r = f(*args)
        if inspect.iscoroutine(r):
            r = _loop[0].run_until_complete(r)
        return r
    finally:
        _running[0] = False


def _error(e, kind=None):
    s = _script[0]
    file = s.file if s else None
    line = None
    tb = e.__traceback__
    while tb is not None:
        if s and tb.tb_frame.f_code.co_filename == s.file:
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(e, Deadline):
        kind = "timeout"
        message = "took longer than its deadline and was interrupted"
    elif isinstance(e, MemoryError):
        kind = "memory"
        message = "memory limit reached (limit is %d MiB per script)" % MEMORY_MB[0]
    elif isinstance(e, RecursionError):
        kind = "error"
        message = "RecursionError: %s" % e
    elif isinstance(e, PermissionError):
        kind = "refused"
        message = "PermissionError: %s" % e
    elif isinstance(e, ImportError):
        kind = "import"
        message = "ImportError: %s" % e
    else:
        message = "%s: %s" % (type(e).__name__, e) if str(e) else type(e).__name__
    return {"Err": {"message": message, "file": file, "line": line,
                    "kind": kind or "error"}}


def _load(req):
    s = _Script(req["script"], req["file"], req.get("data_dir"), req.get("grants") or [])
    SCRIPTS[s.id] = s
    if s.data_dir:
        try:
            os.makedirs(s.data_dir, exist_ok=True)
        except OSError:
            pass
    _enter(s)
    code, problems = _compile(req["source"], s.file)
    if problems:
        return {"Err": {"message": "; ".join(problems), "file": s.file, "line": None,
                        "kind": "import" if "import" in problems[0] else "error"}}
    module = types.ModuleType(_name_of(s.file))
    module.__file__ = s.file
    module.__builtins__ = _builtins()
    s.module = module
    try:
        _run(exec, code, vars(module))
        _discover(module)
        if callable(vars(module).get("on_load")):
            _run(vars(module)["on_load"])
    except BaseException as e:
        return _error(e)
    return {"Ok": {"r": "loaded", "meta": _meta(module, s.file)}}


def _handled(r, ev, before):
    halt_default = r in (irc.HALT, irc.HALTDEF) and not isinstance(r, bool)
    text = ev.text if isinstance(ev.text, str) and ev.text != before else None
    return {"Ok": {"r": "handled", "halt_default": halt_default,
                   "stop_later": r == irc.HALT and not isinstance(r, bool), "text": text}}


def dispatch(request):
    """Runs one request from the client; the reply as JSON."""
    req = json.loads(request)
    t = req["t"]
    owner = _OWNERS.get(req.get("handle"))
    if owner is not None:
        _enter(owner)
    try:
        if t == "load":
            out = _load(req)
        elif t == "check":
            _, problems = _compile(req["source"], req["file"])
            out = {"Ok": {"r": "checked", "diagnostics": problems}}
        elif t in ("unload", "unload_script"):
            s = SCRIPTS.get(req["script"]) if t == "unload_script" else _script[0]
            out = {"Ok": {"r": "done"}}
            if s is not None:
                _enter(s)
            if s and s.module and callable(vars(s.module).get("on_unload")):
                try:
                    _run(vars(s.module)["on_unload"])
                except BaseException as e:
                    out = _error(e)
            if s is not None:
                _forget(s)
        elif t == "event":
            s = _me()
            f, _ = s.handlers.get(req["handle"], (None, None))
            if f is None:
                out = {"Ok": {"r": "handled", "halt_default": False, "stop_later": False,
                              "text": None}}
            else:
                ev = Event(req["event"])
                before = ev.text
                try:
                    r = _run(f, ev)
                except BaseException as e:
                    out = _error(e)
                else:
                    out = _handled(r, ev, before)
        elif t == "command":
            s = _me()
            f, _ = s.commands.get(req["handle"], (None, None))
            if f is None:
                out = {"Err": {"message": "this command's function is gone", "file": s.file,
                               "line": None, "kind": "error"}}
            else:
                raw = req["args"]
                try:
                    r = _run(f, raw.split(), raw)
                except BaseException as e:
                    out = _error(e)
                else:
                    if r is None or isinstance(r, bool):
                        out = {"Ok": {"r": "done"}}
                    else:
                        out = {"Ok": {"r": "shown", "text": str(r)}}
        elif t == "complete":
            s = _me()
            f = s.completers.get(req["handle"])
            out = {"Ok": {"r": "completions", "words": []}}
            if f is not None:
                try:
                    r = _run(f, req["args"].split(), req["word"])
                except BaseException as e:
                    out = _error(e)
                else:
                    if isinstance(r, str):
                        r = [r]
                    out = {"Ok": {"r": "completions",
                                  "words": [str(w) for w in (r or ())]}}
        elif t == "timer":
            s = _me()
            entry = s.timers.get(req["handle"])
            out = {"Ok": {"r": "done"}}
            if entry is not None:
                if entry[1] == 1:
                    del s.timers[req["handle"]]
                elif entry[1] > 1:
                    entry[1] -= 1
                try:
                    _run(entry[0])
                except BaseException as e:
                    out = _error(e)
        else:
            out = {"Err": {"message": "unknown request '%s'" % t, "file": None,
                           "line": None, "kind": "error"}}
    except BaseException as e:
        out = _error(e)
    return json.dumps(out)


sys.modules["irc"] = irc
