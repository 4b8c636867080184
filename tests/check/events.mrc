; events.mrc - channel helper, remote events in every header form
; kind: remote script
; loads: aliases=1 events=40
; run: echo -a $helper(ok)
; out: ok

; plain level, wildcard match text, one channel
on *:TEXT:!hi:#help:msg # hi $nick
; match text starting, ending, anywhere, with & for one word
on *:TEXT:!seen &:#:msg # I have not seen $2
on *:TEXT:!help*:#,#help,#ops:notice $nick commands: !hi !seen !roll
on *:TEXT:*badword*:*:kick # $nick watch your language
on *:TEXT:?:?:msg $nick one letter?
; numbers, +exact, named levels
on 10:TEXT:!op:#ops:mode # +o $nick
on +5:TEXT:!v:#:mode # +v $nick
on botadmin:TEXT:!die:?:quit bye
on friend,20:NOTICE:*:?:echo -s friend notice: $1-
; prefixes
on !*:JOIN:#:notice $nick welcome to #
on @*:JOIN:#mine:mode # +v $nick
on @!*:JOIN:#mine,#other:mode # +v $nick
on me:*:JOIN:#:echo # I joined #
on me:*:PART:#:echo -s left #
on &*:TEXT:*:#:echo -s not halted yet
on ^*:QUIT:echo -s $nick left ( $+ $1- $+ ) | haltdef
on ^&*:TEXT:*:#:if ($nick isop #) haltdef
; regex match text, including a colon inside the pattern
on $*:TEXT:/^!roll (\d+)$/i:#:msg # $rand(1,$regml(1))
on $*:TEXT:/^!time (\d+:\d+)$/:#:msg # you said $regml(1)
; dynamic match text and targets
on *:TEXT:$(* $+ $me $+ *):#:msg # you called?
on *:TEXT:%trigger:#:msg # $nick triggered it
on *:TEXT:*:%chans:inc %lines
; ban levels
on >=2:BAN:#:mode # -b $banmask
on @*:OP:#:if ($opnick == $me) echo # thanks $nick
; events without fields, and block bodies
on *:CONNECT:{
  join #help
  if ($network == ExampleNet) join #ops
}
on *:DISCONNECT:echo -s lost $server
on *:KICK:#:{
  if ($knick == $me) { .timer 1 5 join # }
}
on *:NICK:echo -s $nick is now $newnick
on *:INPUT:#:{
  if ($left($1,1) == !) { echo -a command: $1 }
}
on *:SIGNAL:greet*:echo -s signal $signal $1-
; window targets
; warn: 54:1 on ACTIVE is parsed but this client cannot raise it yet
on *:ACTIVE:*:echo -s now in $active
; CLOSE runs when a custom window closes
on *:CLOSE:@log:echo -s log closed
on *:INPUT:@log:echo @log $1- | haltdef
ctcp *:VERSION:ctcpreply $nick VERSION helper 1.0 | halt
ctcp *:PING:*:echo -s ping from $nick
ctcp 5:ADMIN:#:msg # $nick is admin
raw 433:*:nick $me $+ _
raw 001:*:{
  echo -s connected to $server
}
raw *:*:if ($numeric == 422) echo -s no motd
raw CAP:*LS*:echo -s caps $2-

alias -l helper return $1
