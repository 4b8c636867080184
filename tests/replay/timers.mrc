; Timers (tests/replay/timers.txt): repetitions, -m, -h, -o, -p, -r, -e, names, $timer.
on *:TEXT:!every *:#: .timer $+ $2 0 $3 msg # $2 again
on *:TEXT:!stop *:#: .timer $+ $2 off
