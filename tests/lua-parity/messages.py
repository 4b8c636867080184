"""Messages: channel and private text, actions, notices (handlers discovered by name)."""
import irc


def on_message(e):
    if e.channel and e.text == "!hello":
        irc.privmsg(e.channel, "Hello, " + e.nick + "!")
    elif not e.channel:
        irc.notice(e.nick, "You said: " + e.text)


def on_action(e):
    if e.channel and e.text.startswith("waves"):
        irc.action(e.channel, "waves back at " + e.nick)


def on_notice(e):
    if not e.channel and e.text == "ping":
        irc.notice(e.nick, "pong")
