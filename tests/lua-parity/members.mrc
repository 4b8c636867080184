; Join, part, kick, quit and nick changes.
on *:JOIN:#c: if ($nick != $me) msg $chan hi $nick
on *:PART:#c: msg $chan bye $nick ( $+ $1- $+ )
on *:KICK:#c: msg $chan $knick was kicked by $nick ( $+ $1- $+ )
on *:QUIT: echo -s $nick quit ( $+ $1- $+ )
on *:NICK: echo -s $nick is now $newnick
