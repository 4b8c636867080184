; A small bot: greets joiners, answers !commands, counts messages in a hash table, and
; announces itself on a timer.
on *:CONNECT: join #bots
on !*:JOIN:#bots: msg # Welcome, $nick $+ !
on *:TEXT:!hello*:#: msg # Hello $nick
on *:TEXT:!count:#: msg # $nick has said $hget(seen, $nick) things
on $*:TEXT:/^!roll (\d+)$/i:#: msg # $nick rolls $regml(1)
on *:KICK:#: if ($knick == $me) join $chan
on *:INVITE:#: join $chan
ctcp *:PING:*: ctcpreply $nick PING $2- | halt
raw 366:*: echo -s names done for $2
alias announce msg #bots still here
on *:TEXT:!timer:#: .timerann 2 5 announce
; Last: within one script only the first matching handler of an event runs.
on *:TEXT:*:#: hinc -m seen $nick
