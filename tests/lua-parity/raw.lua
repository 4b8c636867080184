-- Numeric replies.
irc.on("raw", function(e) irc.status("topic of " .. e.params[2] .. " is " .. e.params[3]) end, { numeric = "332" })
irc.on("raw", function(e) irc.status("names done for " .. e.params[2]) end, { numeric = "366" })
irc.on("raw", function(e) irc.status("unknown command " .. e.params[2]) end, { numeric = "421" })
