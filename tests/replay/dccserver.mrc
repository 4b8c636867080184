; The DCC server over loopback (tests/replay/dccserver.txt). The script plays the clients
; that connect to it: script sockets whose first line asks for a chat (100), a file server
; session (110) or to send a file (120).

; Opens socket $1 to the DCC server; once connected it sends $2- as its first line.
alias srv.open {
  hadd -m srvfirst $1 $2-
  sockopen $1 127.0.0.1 $dccport
}
on *:SOCKOPEN:srv*: sockwrite -n $sockname $hget(srvfirst, $sockname)

; What the server answers. A sender writes its file (%srv.data) once accepted, and then
; only reads the acknowledgements.
on *:SOCKREAD:srv*: {
  sockread %l
  if ($sockname != srvsend) {
    echo @peer $sockname read: %l
    return
  }
  if (121 * iswm %l) {
    echo @peer $sockname read: %l
    sockwrite srvsend %srv.data
  }
}
on *:SOCKCLOSE:srv*: echo @peer $sockname was closed

; Requests are seen before they are taken; mallory's chats are refused.
on *:DCCSERVER:Send: echo -s DCCSERVER send from $nick ( $+ $address $+ ): $filename
on *:DCCSERVER:Chat: {
  echo -s DCCSERVER chat from $nick ( $+ $address $+ )
  if ($nick == mallory) halt
}
on *:DCCSERVER:Fserve: echo -s DCCSERVER fserve from $nick

; Accepted connections are ordinary chats, file server sessions and received files.
on *:CHAT:*: echo -s chat from $nick : $1-
on *:SERV:*: echo -s SERV from $nick in $cd : $1-
on *:FILERCVD:*: echo -s received $nopath($filename) from $nick : $read($filename, n, 1)
on *:GETFAIL:*: echo -s could not get $nopath($filename) from $nick
