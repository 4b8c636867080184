; Identifiers and commands of the client: $awaymsg, $chan, $nick, $address, isvo, /timers and timer numbers.
on *:TEXT:!away:#: away gone | msg # away $away $awaymsg
on *:TEXT:!back:#: away | msg # back $away $awaymsg
on *:TEXT:!awaymsg:#: msg # awaymsg $awaymsg
on *:TEXT:!chan:#: msg # $chan(0) $chan(1) $chan(#c) x $+ $chan(#nope) $+ x $chan(#c).topic / $chan(#c).mode / $chan(#c).key / $chan(#c).limit
on *:TEXT:!nick:#: msg # $nick(#c,bob) x $+ $nick(#c,zed) $+ x $nick(#c,0) $nick(#c,0,o) $nick(#c,0,v) $nick(#c,0,r) $nick(#c,1).pnick $nick(#c,1,v)
on *:TEXT:!address:#: msg # $address(bob,2) $address(bob,5) $address(bob,0)
on *:TEXT:!isvo:#: msg # $iif(bob isvo #c,yes,no) $iif(ann isvo #c,yes,no)
on *:TEXT:!timers:#: timer 1 5 msg #c first | timer 1 5 msg #c second
on *:TEXT:!off:#: timers off
