; What gets through the ignore list.
on *:TEXT:*:#: echo -s heard $nick: $1- len $len($1-)
on *:TEXT:*:?: echo -s private from $nick: $1-
on *:NOTICE:*:*: echo -s notice from $nick: $1-
on *:INVITE:#: echo -s invited by $nick to $chan
ctcp *:*:*: echo -s ctcp from $nick: $1-
