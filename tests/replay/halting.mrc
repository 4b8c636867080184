; $halted, and halting the client's automatic CTCP replies.
ctcp ^*:VERSION:*:{ ctcpreply $nick VERSION MyBot | halt }
ctcp *:TIME:*: echo -s time asked by $nick halted: $halted
ctcp *:PING:*: if ($nick == mute) halt
on ^*:TEXT:*hush*:#: haltdef
on *:TEXT:*:#: echo -s halted: $halted $1-
