; What the server itself sends (tests/replay/server.txt): WALLOPS, server notices, PING,
; ERROR, and moving to another server with /server.
on *:WALLOPS:*: echo -s wallops from $nick $+ : $1-
on *:SNOTICE:*connect*: echo -s snotice about a connection: $1-
on *:PING: echo -s ping $1- parms $parms ( $+ $len($1-) $len($parms) $+ )
on *:ERROR:*: echo -s error $1-
on *:DISCONNECT: echo -s disconnected from $server
on *:CONNECT: echo -s connected to $server port $port
