; DCC over loopback (tests/replay/dcc.txt). The script plays the other side too: for chats
; and received files a script socket is "bob", whose offers arrive with /parseline as if
; the server had sent them; a file we send is offered to "ann" and her offer back is ours,
; so one client is both ends of a real transfer.

; Bob offers a chat: he listens, and his CTCP arrives.
alias bob.offer.chat {
  socklisten bobl
  parseline -iqt :bob!b@bob.host PRIVMSG me : $+ $chr(1) $+ DCC CHAT chat 2130706433 $sock(bobl).port $+ $chr(1)
}
on *:SOCKLISTEN:bobl: { sockaccept bob | sockclose bobl | echo @peer bob accepted a connection }
on *:SOCKREAD:bob: { sockread %line | echo @peer bob read: %line }
on *:SOCKCLOSE:bob: echo @peer bob was closed

; Lines of a chat, and the line typed into a chat window.
; (Only the first matching handler of a script runs, so !ping comes first.)
on *:CHAT:!ping: msg =$nick pong
on *:CHAT:*: echo -s chat from $nick ( $+ $address $+ ): $1-
on *:INPUT:=: echo -s typed into $target : $1-

; Bob offers a file of $2 bytes named $1 and sends $3- (without a line end).
alias bob.offer.file {
  set %bob.data $3-
  socklisten bobf
  parseline -iqt :bob!b@bob.host PRIVMSG me : $+ $chr(1) $+ DCC SEND $1 2130706433 $sock(bobf).port $2 $+ $chr(1)
}
on *:SOCKLISTEN:bobf: { sockaccept bobfile | sockclose bobf | sockwrite bobfile %bob.data }
on *:SOCKREAD:bobfile: sockread %ack
alias bob.hangup sockclose bobfile

; We send a file to ann; her offer back (of the same port) arrives, to be accepted.
alias ann.loop {
  parseline -iqt :ann!a@ann.host PRIVMSG me : $+ $chr(1) $+ DCC SEND $nopath($send(ann).file) 2130706433 $send(ann).port $send(ann).size $+ $chr(1)
}

on *:FILESENT:*.txt: echo -s sent $nopath($filename) to $nick
on *:FILERCVD:*: echo -s received $nopath($filename) from $nick ( $+ $address $+ ): $read($filename, n, 1)
on *:SENDFAIL:*: echo -s could not send $nopath($filename) to $nick
on *:GETFAIL:*: echo -s could not get $nopath($filename) from $nick $iif($isfile($filename),kept,removed)

; Someone takes our offer and hangs up at once.
on *:SOCKOPEN:annx: sockclose annx

; Cat takes the chat we offer.
on *:SOCKREAD:catsock: { sockread %line | echo @peer cat read: %line }
