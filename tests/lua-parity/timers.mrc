; Timers: a one-off reminder and a repeating one.
on *:TEXT:!remind *:#: .timer 1 $2 msg $chan $nick $+ : $3-
on *:TEXT:!count:#: .timer 3 1 msg $chan tick
