; LOGON, INPUT, PONG and EXIT.
on ^*:LOGON:irc.example.*: echo -s logon before login to $servertarget
on *:LOGON:*: echo -s logon after login, status $status
on *:INPUT:#: echo -s chan input in # $+ : $1- | if ($1 == !secret) { echo -s kept to myself: $2- | haltdef }
on *:INPUT:?: echo -s query input to $target: $1-
on *:INPUT:*: echo -s other input in $target: $1-
on ^*:PONG: if ($2 == quiet) haltdef
on *:PONG: echo -s pong from $1 saying $2-
on *:EXIT: echo -s bye after $online seconds
