"""Joins #pybots, greets, answers !ping, !users and !seen, and remembers who said what."""
# The end-to-end test (client/app/tests/e2e_python.rs) runs it against ngircd.
import irc
import time

__script_name__ = "PyBot"
__version__ = "1.0"
__author__ = "RustIRC"


def on_connect(e):
    irc.join(irc.storage.get("channel", "#pybots"))


@irc.on("join", channel="#pybots")
def greet(e):
    if e.nick != irc.my_nick():
        irc.privmsg(e.channel, "Welcome, %s!" % e.nick)


def on_message(e):
    words = e.text.split()
    if e.text == "!ping":
        irc.privmsg(e.channel or e.nick, "pong, " + e.nick)
    elif e.text == "!users" and e.channel:
        names = sorted(u["prefix"] + u["nick"] for u in irc.users(e.channel))
        irc.privmsg(e.channel, "here: " + " ".join(names))
    elif words[:1] == ["!seen"] and len(words) > 1:
        seen = irc.storage.get("seen:" + words[1].lower())
        if seen is None:
            irc.privmsg(e.channel or e.nick, "I have not seen %s." % words[1])
        else:
            irc.privmsg(e.channel or e.nick, '%s said "%s" in %s.'
                        % (seen["nick"], seen["text"], seen["channel"]))
    elif e.channel:
        irc.storage.set("seen:" + e.nick.lower(),
                        {"nick": e.nick, "channel": e.channel, "text": e.text,
                         "at": int(time.time())})


@irc.on("ctcp", pre=True)
def version(e):
    if e.command == "VERSION":
        irc.ctcp_reply(e.nick, "VERSION", "PyBot 1.0")
        return irc.HALTDEF


@irc.add_command("config", help="Shows or sets the bot's channel", usage="/config [channel #name]")
def config(args, raw):
    if len(args) == 2 and args[0] == "channel":
        irc.storage.set("channel", args[1])
    return "channel: " + irc.storage.get("channel", "#pybots")
