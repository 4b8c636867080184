; /signal and on SIGNAL: queued delivery after the running script, -n right after the
; running handler, wildcard names, $signal and $1-.
on *:TEXT:!queue:#: signal report one two | echo -s after queue
on ^*:TEXT:!pre*:#: if ($1 == !pren) signal -n mark $1 | else signal mark $1
on *:TEXT:!other:#: signal other.thing a b c
on *:TEXT:!chain:#: signal -n chain 1
on *:SIGNAL:report: echo -s report $signal $1- ( $+ $0 $+ )
on *:SIGNAL:mark: echo #c mark $1
on *:SIGNAL:other.*: msg #c got $signal with $2
on *:SIGNAL:chain: echo -s chain $1 | if ($1 < 3) signal -n chain $calc($1 + 1)
