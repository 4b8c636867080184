"""CTCP requests and replies; a pre handler replaces the automatic VERSION reply."""
import irc


@irc.on("ctcp", pre=True)
def version(e):
    if e.command == "VERSION":
        irc.ctcp_reply(e.nick, "VERSION", "parity-bot 1.0")
        return irc.HALTDEF


def on_ctcp(e):
    if e.command == "PING":
        irc.status("ping from " + e.nick)


def on_ctcpreply(e):
    irc.status("reply from " + e.nick + " " + e.text)
