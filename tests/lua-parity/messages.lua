-- Messages: channel and private text, actions, notices.
irc.on("message", function(e)
  if e.channel and e.text == "!hello" then
    irc.privmsg(e.channel, "Hello, " .. e.nick .. "!")
  elseif not e.channel then
    irc.notice(e.nick, "You said: " .. e.text)
  end
end)
irc.on("action", function(e)
  if e.channel and e.text:match("^waves") then
    irc.action(e.channel, "waves back at " .. e.nick)
  end
end)
irc.on("notice", function(e)
  if not e.channel and e.text == "ping" then irc.notice(e.nick, "pong") end
end)
