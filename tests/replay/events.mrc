; One handler per event kind, each echoing what its identifiers hold.
on *:ACTION:*:#: echo -s action $nick $1-
on *:NOTICE:*:?: echo -s notice $nick $1-
on !*:PART:#: echo -s part $nick $chan $1-
on *:QUIT: echo -s quit $nick $1-
on *:NICK: echo -s nick $nick $newnick
on *:TOPIC:#: echo -s topic $nick $chan $1-
on *:MODE:#: echo -s mode $nick $chan $1-
on *:INVITE:#: echo -s invite $nick $chan
on me:*:JOIN:#: echo -s I joined $chan
on !*:JOIN:#: echo -s join $nick $address $site $wildsite $fulladdress
on ^*:TEXT:*quiet*:#: haltdef
on &*:TEXT:*quiet*:#: echo -s skipped because halted
on *:TEXT:!who:#: echo -s ops: $iif($nick isop $chan,yes,no) on: $iif(bob ison $chan,yes,no) n: $nick($chan,0)
on *:TEXT:!off:#: disable #loud
on *:TEXT:!on:#: enable #loud
#loud on
on *:TEXT:*:#: echo -s loud $1-
#loud end
ctcp *:FINGER:*: ctcpreply $nick FINGER no
raw 332:*: echo -s topic is $3-
on *:CTCPREPLY:*: echo -s reply from $nick $1-
