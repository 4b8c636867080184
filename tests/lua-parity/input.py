"""Lines typed into a channel: some are handled by the script and not sent."""
import irc


def on_input(e):
    if not e.channel:
        return
    cmd, _, rest = e.text.partition(" ")
    rest = rest.strip()
    if cmd == "!shout":
        irc.privmsg(e.channel, rest.upper())
        return irc.HALTDEF
    if cmd == "!quiet":
        irc.echo(e.channel, "(kept: " + rest + ")")
        return irc.HALTDEF
