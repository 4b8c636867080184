; PARSELINE (tests/replay/parseline.txt): lines from and to the server, seen and changed
; before the client handles or sends them.

; Incoming: hide a word before anything else sees it, drop a line altogether. The header
; separates its fields with colons, so ? stands for the one in the line.
on *:PARSELINE:in:*PRIVMSG #c ?*secret*: parseline -it $replace($parseline,secret,******)
on *:PARSELINE:in:*PRIVMSG #c ?spam*: parseline -it
; Outgoing lines end with $lf; -ot sends another line instead.
on *:PARSELINE:out:PRIVMSG #c *brb?: {
  echo -s out: $parsetype utf $parseutf ends with $asc($right($parseline,1))
  parseline -ot PRIVMSG #c :be right back
}
; Both ways (*): log what goes by.
on *:PARSELINE:*:*TOPIC*: echo -s seen $parsetype $+ : $remove($parseline,$lf)
on *:TEXT:*:#: echo -s text: $1-
on *:TOPIC:#: echo -s topic event: $1-

; -q queues a new line, handled once the script is over; -p lets PARSELINE see it.
alias fake.in parseline -iqt :bot!b@bot.host TOPIC #c :from nowhere
alias fake.in.seen parseline -iqpt :bot!b@bot.host TOPIC #c :seen coming
alias fake.out parseline -oqt PRIVMSG #c :queued line
