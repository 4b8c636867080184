-- Join, part, kick, quit and nick changes.
irc.on("join", function(e)
  if e.channel == "#c" and e.nick ~= irc.my_nick() then irc.privmsg(e.channel, "hi " .. e.nick) end
end)
irc.on("part", function(e)
  if e.channel == "#c" then irc.privmsg(e.channel, "bye " .. e.nick .. " (" .. e.reason .. ")") end
end)
irc.on("kick", function(e)
  irc.privmsg(e.channel, e.knick .. " was kicked by " .. e.nick .. " (" .. e.reason .. ")")
end, { channel = "#c" })
irc.on("quit", function(e) irc.status(e.nick .. " quit (" .. e.reason .. ")") end)
irc.on("nick", function(e) irc.status(e.nick .. " is now " .. e.new_nick) end)
