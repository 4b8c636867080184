; Messages: channel and private text, actions, notices.
on *:TEXT:!hello:#: msg $chan Hello, $nick $+ !
on *:TEXT:*:?: notice $nick You said: $1-
on *:ACTION:waves*:#: describe $chan waves back at $nick
on *:NOTICE:ping:?: notice $nick pong
