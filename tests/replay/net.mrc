; Connections as scripts see them (tests/replay/net.txt): $cid, $activecid, $scon, $scid,
; /scid and /scon with and without a command, -a and -t filters, -r, /server -m.
on *:TEXT:!cid:#: msg # cid $cid active $activecid of $scon(0): first $scon(1) $+ , $scid(1) exists, $scid(2) $+ ?
on *:TEXT:!me:#: msg # $scon(1).me on $scid(1).network
on *:TEXT:!twice:#: scid 1 msg # $!me is $me
on *:TEXT:!local:#: var %word = kept | scon 1 msg # $(%word,0)
on *:TEXT:!switch:#: scid 1 | msg # switched to $cid | scid -r | msg # back on $cid
on *:TEXT:!all:#: scon -a msg # all: $!cid
on *:TEXT:!up:#: scon -at1 msg # up: $!cid
on *:TEXT:!down:#: scon -at8 msg # down: $!cid
on *:TEXT:!open:#: server -m irc.other.example:+6697 -j #other | .timeropen 1 0 msg # now $!scon(0) connections, 2 is $!scon(2).status
on *:TEXT:!bad:#: scid 9 msg # never
