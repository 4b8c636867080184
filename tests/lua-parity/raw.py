"""Numeric replies."""
import irc


@irc.on("raw", numeric="332")
def topic(e):
    irc.status("topic of %s is %s" % (e.params[1], e.params[2]))


@irc.on("raw", numeric="366")
def names(e):
    irc.status("names done for " + e.params[1])


@irc.on("raw", numeric="421")
def unknown(e):
    irc.status("unknown command " + e.params[1])
