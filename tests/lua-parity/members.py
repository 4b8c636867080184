"""Join, part, kick, quit and nick changes."""
import irc


def on_join(e):
    if e.channel == "#c" and e.nick != irc.my_nick():
        irc.privmsg(e.channel, "hi " + e.nick)


@irc.on("part")
def bye(e):
    if e.channel == "#c":
        irc.privmsg(e.channel, "bye %s (%s)" % (e.nick, e.reason))


@irc.on("kick", channel="#c")
def kicked(e):
    irc.privmsg(e.channel, "%s was kicked by %s (%s)" % (e.knick, e.nick, e.reason))


def on_quit(e):
    irc.status("%s quit (%s)" % (e.nick, e.reason))


def on_nick(e):
    irc.status(e.nick + " is now " + e.new_nick)
