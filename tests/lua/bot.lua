-- A small Lua bot: the end-to-end test (client/app/tests/e2e_lua.rs) runs it against ngircd.
local bot = {
  name = "LuaBot",
  version = "1.0",
  description = "joins #luabots, greets, answers !ping and !users",
}

irc.on("connect", function() irc.join("#luabots") end)

irc.on("join", function(e)
  if e.nick ~= irc.my_nick() then
    irc.privmsg(e.channel, "Welcome, " .. e.nick .. "!")
  end
end, { channel = "#luabots" })

irc.on("message", function(e)
  if e.text == "!ping" then
    irc.privmsg(e.channel or e.nick, "pong, " .. e.nick)
  elseif e.text == "!users" and e.channel then
    local names = {}
    for _, u in ipairs(irc.users(e.channel)) do table.insert(names, u.prefix .. u.nick) end
    table.sort(names)
    irc.privmsg(e.channel, "here: " .. table.concat(names, " "))
  end
end)

irc.on("ctcp", function(e)
  if e.command == "VERSION" then
    irc.ctcp_reply(e.nick, "VERSION", "LuaBot 1.0")
    return irc.HALTDEF
  end
end, { pre = true })

return bot
