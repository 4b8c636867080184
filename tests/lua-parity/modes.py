"""Mode changes: op, deop, voice, bans, other channel modes."""
import irc


@irc.on("op", channel="#c")
def opped(e):
    irc.privmsg(e.channel, e.target + " was opped by " + e.nick)


@irc.on("deop", channel="#c")
def deopped(e):
    irc.privmsg(e.channel, e.target + " was deopped")


@irc.on("voice", channel="#c")
def voiced(e):
    irc.privmsg(e.channel, e.target + " got a voice")


@irc.on("ban", channel="#c")
def banned(e):
    irc.privmsg(e.channel, "ban on " + e.mask)


@irc.on("mode", channel="#c")
def modes(e):
    irc.privmsg(e.channel, "modes now " + e.modes)
