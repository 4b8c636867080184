; Sockets over loopback (tests/replay/sock.txt): a server and a client in one script, a UDP
; echo, and what is left when the script unloads.

alias sock.start {
  socklisten srv
  echo @srv listening: $sock(srv).status $iif($sock(srv).port > 0,on a port)
  sockopen cli 127.0.0.1 $sock(srv).port
  echo @cli opening: $sock(cli).status $sock(cli).addr
}

on *:SOCKLISTEN:srv: {
  sockaccept peer
  echo @srv accepted $sock(peer).ip $+ , $sock(srv,0) listening
}

on *:SOCKOPEN:cli: {
  if ($sockerr) { echo @cli failed: $sock($sockname).wsmsg | return }
  echo @cli open: $sockname $sock(cli).ip $sock(cli).type $sock(cli).status
  sockmark cli two lines
  sockwrite -n cli hello there
  sockwrite -n cli second line
}

on *:SOCKREAD:peer: {
  var %line
  sockread %line
  echo @srv read: %line ( $+ $sockbr bytes, $sock(peer).rq left)
  sockwrite -n peer echo: %line
}

on *:SOCKREAD:cli: {
  sockread %reply
  echo @cli read: %reply
  if (%reply == echo: second line) {
    echo @cli mark: $sock(cli).mark sent: $sock(cli).sent
    sockclose cli
    echo @cli closed: $sock(c*,0) client sockets left
  }
}

; SOCKWRITE: everything queued has been sent. The client's two lines go out together.
on *:SOCKWRITE:cli: echo @cli written: $sockname $sockerr $sock(cli).sent bytes sent so far

on *:SOCKCLOSE:peer: {
  echo @srv peer closed: $sockerr $sock(peer).rcvd bytes received
}

; UDP: a server on a port of its own and a client sending it one datagram.
alias udp.start {
  sockudp -k usrv 0 127.0.0.1 9
  sockudp -k ucli 127.0.0.1 $sock(usrv).bindport ping
}

on *:UDPREAD:usrv: {
  sockread -f %d
  echo @udp server got %d from $sock(usrv).saddr
  sockudp usrv $sock(usrv).saddr $sock(usrv).sport pong %d
}

on *:UDPREAD:ucli: {
  sockread -f %d
  echo @udp client got %d
}

on *:UDPWRITE:u*: echo @udp $sockname sent $sock($sockname).sent bytes

; Only whole lines raise SOCKREAD again; the rest waits for more data.
alias sock.partial {
  socklisten psrv
  sockopen pcli 127.0.0.1 $sock(psrv).port
}
on *:SOCKLISTEN:psrv: sockaccept ppeer
on *:SOCKOPEN:pcli: sockwrite pcli one $+ $crlf $+ two $+ $crlf $+ thr
on *:SOCKREAD:ppeer: {
  sockread %p
  echo @partial read $sockbr bytes: %p ( $+ $sock(ppeer).rq left)
  if (%p == three) sockclose p*
}
alias sock.rest sockwrite pcli ee $+ $crlf
