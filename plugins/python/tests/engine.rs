//! Python beside mSL on one client: a script loads into its own worker, its commands and
//! handlers (decorated and discovered by name) run there, `irc` calls come back to the
//! client, HALT/HALTDEF and text changes work as in Lua, errors name the file and line, and
//! commands cross between the engines.
//!
//! The worker program must be built (`cargo build -p rustirc-python-worker`); the tests
//! find it in the target folder beside theirs.

mod support;

use support::{check, client, shown};

#[test]
fn a_command_runs_in_the_worker_and_shows_what_it_returns() {
    let mut c = client();
    c.load_script(
        "hello.py",
        b"import irc\nirc.add_command('hello', lambda args, raw: 'hi ' + raw)\n",
    );
    c.take_output();
    c.type_line("status", "/hello there you");
    assert_eq!(shown(&mut c), ["hi there you"]);
}

const GREET: &str = r##"
"""Greets people."""
import irc

__version__ = "1.2"
__author__ = "ann"

@irc.on("join")
def hello(event):
    if event.nick != irc.my_nick():
        irc.privmsg(event.channel, "Welcome, %s!" % event.nick)

def on_message(event):
    if event.text == "!ping":
        irc.notice(event.nick, "pong from " + irc.my_nick())

@irc.add_command("greet", help="Greet someone", usage="/greet [nick]", aliases=("hi",))
def greet(args, raw):
    irc.privmsg(irc.current_channel() or "#c", "Hello, %s!" % (args[0] if args else "everyone"))
"##;

#[test]
fn decorated_and_discovered_handlers_and_commands() {
    check(
        &[("greet.py", GREET)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
!> PRIVMSG #c :Welcome, me!
<< :bob!b@bob.host JOIN #c
>> PRIVMSG #c :Welcome, bob!
<< :bob!b@bob.host PRIVMSG #c :!ping
>> NOTICE bob :pong from me
:: #c /greet ann
>> PRIVMSG #c :Hello, ann!
:: #c /hi
>> PRIVMSG #c :Hello, everyone!
:: status /py list
== status greet 1.2
== status Greets people.
",
    );
}

#[test]
fn halt_haltdef_and_text_changes() {
    let script = r##"
import irc

@irc.on("message", pre=True)
def shout(event):
    event.text = event.text.upper()

@irc.on("message", pre=True, priority=5)
def quiet(event):
    if event.text == "secret":
        return irc.HALT
"##;
    check(
        &[("halt.py", script)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
<< :bob!b@bob.host PRIVMSG #c :hello
== #c HELLO
<< :bob!b@bob.host PRIVMSG #c :secret
!= #c SECRET
",
    );
}

#[test]
fn errors_name_the_file_and_line_and_the_script_goes_on() {
    let mut c = client();
    c.load_script(
        "bad.py",
        b"import irc\n\ndef boom(args, raw):\n    return 1 / 0\n\nirc.add_command('boom', boom)\nirc.add_command('ok', lambda a, r: 'fine')\n",
    );
    c.take_output();
    c.type_line("status", "/boom");
    let text = shown(&mut c).join("\n");
    assert!(
        text.contains("bad.py:4: ZeroDivisionError: division by zero")
            && text.contains("in /boom of bad.py"),
        "{text}"
    );
    c.type_line("status", "/ok");
    assert_eq!(shown(&mut c), ["fine"]);
}

#[test]
fn a_script_that_fails_to_load_leaves_nothing_behind() {
    let mut c = client();
    c.load_script(
        "half.py",
        b"import irc\nirc.add_command('half', lambda a, r: 'x')\nraise ValueError('no config')\n",
    );
    let text = shown(&mut c).join("\n");
    assert!(text.contains("half.py:3: ValueError: no config"), "{text}");
    c.type_line("status", "/half");
    let text = shown(&mut c).join("\n");
    assert!(!text.contains('x') || text.contains("unknown"), "{text}");
}

#[test]
fn imports_that_are_missing_or_not_allowed_are_reported_before_it_runs() {
    let mut c = client();
    c.load_script(
        "imports.py",
        b"import irc\nirc.status('ran')\nimport os\nfrom subprocess import run\nimport no_such_module_here\n",
    );
    let text = shown(&mut c).join("\n");
    assert!(!text.contains("ran"), "{text}");
    assert!(
        text.contains("imports.py:3: import of 'os' is not allowed"),
        "{text}"
    );
    assert!(
        text.contains("imports.py:4: import of 'subprocess' is not allowed"),
        "{text}"
    );
    assert!(
        text.contains("imports.py:5: import of 'no_such_module_here' is not allowed"),
        "{text}"
    );
}

#[test]
fn commands_cross_between_engines() {
    let msl = "alias welcome { greet $1 }\nalias shout { msg #c $upper($1-) }\n";
    let both = r##"
import irc

def both(args, raw):
    irc.command("/greet " + args[0])
    irc.command("/shout " + args[0])
    return irc.eval("$upper(done) $+ !")

irc.add_command("both", both)
"##;
    check(
        &[("greet.py", GREET), ("aliases.mrc", msl), ("both.py", both)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
:: #c /welcome cyd
>> PRIVMSG #c :Hello, cyd!
:: #c /both dan
>> PRIVMSG #c :Hello, dan!
>> PRIVMSG #c :DAN
== #c DONE!
",
    );
}

#[test]
fn async_handlers_timers_storage_and_unload() {
    let script = r##"
import irc
import asyncio

async def later(args, raw):
    await asyncio.sleep(0.01)
    return "awaited " + raw

irc.add_command("later", later)

def tick():
    irc.privmsg("#c", "tick")

irc.add_command("tick", lambda a, r: irc.timer(1000, tick, 2).name)

def remember(args, raw):
    irc.storage.set("last", raw)
    return "stored " + str(irc.storage.get("last")) + " " + ",".join(irc.storage.keys())

irc.add_command("remember", remember)

def on_unload():
    irc.status("bye from python")
"##;
    check(
        &[("misc.py", script)],
        r"
:: status /join #c
<< :me!me@me.host JOIN #c
:: #c /later x y
== #c awaited x y
:: #c /tick
@ +1s
>> PRIVMSG #c :tick
@ +1s
>> PRIVMSG #c :tick
@ +1s
!> PRIVMSG #c :tick
:: #c /remember a b
== #c stored a b last
",
    );
}

#[test]
fn a_command_completer_offers_the_words_of_its_arguments() {
    let script = r##"
import irc

COLOURS = ["red", "green", "blue", "grey"]

def paint(args, raw):
    return "painting %s %s" % (args[0], args[1])

def colours(args, word):
    return COLOURS if len(args) == 1 else []

irc.add_command("paint", paint, usage="/paint THING COLOUR", complete=colours)
"##;
    check(
        &[("paint.py", script)],
        r"
<< :me!me@me.host JOIN #c
<< :irc.example.net 353 me = #c :me wall window
@ tab #c /pai
== tab /paint
@ tab #c /paint wall gr
== tab green grey
@ tab #c /paint wa
== tab wall
:: #c /paint wall red
== #c painting wall red
",
    );
}
