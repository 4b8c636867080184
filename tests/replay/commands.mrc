; IRC commands used from scripts.
on *:TEXT:!kb *:#: ban -ku60 # $2 2 bye $2
on *:DISCONNECT: echo -s gone: $1- status $status
