"""example_bot.py - Example RustIRC Python script (the design's seen bot, on this API)"""

__name__ = "Example Bot"
__version__ = "1.0.0"
__author__ = "Your Name"
__description__ = "A simple Python bot for RustIRC"

import irc
import json
from datetime import datetime

# Configuration
config = {
    "greeting": "Hello",
    "auto_op": ["trusted_user1", "trusted_user2"],
    "log_messages": True,
}

# State
seen_users = {}


def on_load():
    """Called when the script is loaded."""
    print(f"{__name__} v{__version__} loaded!")
    irc.register_command("seen", handle_seen_command, "Check when a user was last seen")
    irc.register_command("config", handle_config_command, "Manage the bot's configuration")
    # Relative paths are in the script's own data folder.
    try:
        with open("seen_users.json", "r") as f:
            seen_users.update(json.load(f))
    except FileNotFoundError:
        pass


def on_unload():
    """Called when the script is unloaded: saves the state (the client is not reachable
    any more, so no irc calls here)."""
    with open("seen_users.json", "w") as f:
        json.dump(seen_users, f)


def on_message(e):
    """Records who said what; answers a mention."""
    where = e.channel or e.nick
    seen_users[e.nick.lower()] = {
        "time": datetime.now().isoformat(),
        "channel": where,
        "message": e.text,
    }
    if config["log_messages"]:
        with open(f"log_{where.lstrip('#')}.txt", "a") as f:
            f.write(f"[{datetime.now()}] <{e.nick}> {e.text}\n")
    if irc.my_nick().lower() in e.text.lower():
        irc.privmsg(where, f"{e.nick}: {config['greeting']}!")


def on_join(e):
    """Auto-op trusted users."""
    if e.nick in config["auto_op"]:
        irc.mode(e.channel, "+o", e.nick)


def handle_seen_command(args, raw):
    """/seen NICK"""
    if not args:
        return "Usage: /seen <nickname>"
    nick = args[0].lower()
    if nick in seen_users:
        info = seen_users[nick]
        time_ago = datetime.now() - datetime.fromisoformat(info["time"])
        return (f"{args[0]} was last seen {format_time_ago(time_ago)} in {info['channel']}: "
                f"{info['message']}")
    return f"I haven't seen {args[0]}"


def handle_config_command(args, raw):
    """/config get|set [key] [value]"""
    if len(args) < 1:
        return "Usage: /config <get|set> [key] [value]"
    action = args[0]
    if action == "get":
        if len(args) < 2:
            return f"Available keys: {', '.join(config.keys())}"
        return f"{args[1]} = {config.get(args[1], 'Not set')}"
    if action == "set":
        if len(args) < 3:
            return "Usage: /config set <key> <value>"
        value = " ".join(args[2:])
        if value.lower() in ["true", "false"]:
            value = value.lower() == "true"
        elif value.isdigit():
            value = int(value)
        config[args[1]] = value
        return f"Set {args[1]} = {value}"
    return f"Unknown action {action}"


def handle_write_elsewhere(args, raw):
    """Writes outside the data folder: refused until a file permission grants it."""
    with open("/tmp/rustirc-example-bot.txt", "w") as f:
        f.write("x")


irc.add_command("write_elsewhere", handle_write_elsewhere)


def format_time_ago(delta):
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds} seconds ago"
    if seconds < 3600:
        return f"{seconds // 60} minutes ago"
    if seconds < 86400:
        return f"{seconds // 3600} hours ago"
    return f"{seconds // 86400} days ago"
