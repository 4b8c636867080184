"""Timers: a one-off reminder and a repeating one."""
import irc
import re


@irc.on("message")
def remind(e):
    m = re.match(r"^!remind (\d+) (.*)$", e.text)
    if m:
        what = m.group(2)
        irc.timer(int(m.group(1)) * 1000,
                  lambda: irc.privmsg(e.channel, e.nick + ": " + what))
    elif e.text == "!count":
        irc.timer(1000, lambda: irc.privmsg(e.channel, "tick"), 3)
