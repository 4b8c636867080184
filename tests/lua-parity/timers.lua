-- Timers: a one-off reminder and a repeating one.
irc.on("message", function(e)
  local secs, what = e.text:match("^!remind (%d+) (.*)$")
  if secs then
    irc.timer(tonumber(secs) * 1000, function() irc.privmsg(e.channel, e.nick .. ": " .. what) end)
  elseif e.text == "!count" then
    irc.timer(1000, function() irc.privmsg(e.channel, "tick") end, 3)
  end
end)
