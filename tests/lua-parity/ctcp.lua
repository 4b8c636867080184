-- CTCP requests and replies; a pre handler replaces the automatic VERSION reply.
irc.on("ctcp", function(e)
  if e.command == "VERSION" then
    irc.ctcp_reply(e.nick, "VERSION", "parity-bot 1.0")
    return irc.HALTDEF
  end
end, { pre = true })
irc.on("ctcp", function(e)
  if e.command == "PING" then irc.status("ping from " .. e.nick) end
end)
irc.on("ctcpreply", function(e) irc.status("reply from " .. e.nick .. " " .. e.text) end)
