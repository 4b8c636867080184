-- Mode changes: op, deop, voice, bans, other channel modes.
local c = { channel = "#c" }
irc.on("op", function(e) irc.privmsg(e.channel, e.target .. " was opped by " .. e.nick) end, c)
irc.on("deop", function(e) irc.privmsg(e.channel, e.target .. " was deopped") end, c)
irc.on("voice", function(e) irc.privmsg(e.channel, e.target .. " got a voice") end, c)
irc.on("ban", function(e) irc.privmsg(e.channel, "ban on " .. e.mask) end, c)
irc.on("mode", function(e) irc.privmsg(e.channel, "modes now " .. e.modes) end, c)
