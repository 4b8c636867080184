; CTCP requests and replies; a pre handler replaces the automatic VERSION reply.
ctcp ^*:VERSION:*:{ ctcpreply $nick VERSION parity-bot 1.0 | halt }
ctcp *:PING:*: echo -s ping from $nick
on *:CTCPREPLY:*: echo -s reply from $nick $1-
