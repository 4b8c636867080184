-- Lines typed into a channel: some are handled by the script and not sent.
irc.on("input", function(e)
  if not e.channel then return end
  local cmd, rest = e.text:match("^(%S+)%s*(.*)$")
  if cmd == "!shout" then
    irc.privmsg(e.channel, rest:upper())
    return irc.HALTDEF
  elseif cmd == "!quiet" then
    irc.echo(e.channel, "(kept: " .. rest .. ")")
    return irc.HALTDEF
  end
end)
