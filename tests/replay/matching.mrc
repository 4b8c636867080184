; Matching rules (tests/replay/matching.txt): matchtext with ? and &, target lists, the @
; and & prefixes, $target, and raw sections. Only the first matching event of a kind in a
; file runs, so the narrow ones come first.
on *:TEXT:a?c:#: echo -s qmark $1-
on *:TEXT:hi & there:#: echo -s amp $1-
on *:TEXT:two:#a,#b: echo -s two in $chan
on *:TEXT:star:*: echo -s star $iif($chan,in $chan,in a query) target $target
on @*:TEXT:op:#: echo -s op in $chan
on ^*:TEXT:*quiet*:#: haltdef
on &*:TEXT:*quiet*:#: echo -s not halted $1-
on ^*:TEXT:hush*:#: echo -s hush seen
on &*:TEXT:hush*:#: echo -s hush not halted
on *:TEXT:*:*: echo -s text target $target chan $chan
on *:NOTICE:*:*: echo -s notice target $target chan $chan
raw PRIVMSG:*: echo -s raw privmsg $1-
raw KICK:*: echo -s raw kick $1- numeric $numeric
raw 332:*: echo -s raw 332 $2-
raw *:*: echo -s raw any $numeric $event $1-
