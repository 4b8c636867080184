; A DCC file server over loopback (tests/replay/fserve.txt). The script plays the other side:
; a script socket "bob" connects to the port our offer names and types commands; a file the
; server sends him is offered back to us as if he had passed it on, so one client is both
; ends of the transfer.

; The folder served: `files` in the data folder, with a subfolder and a welcome file.
alias fserve.setup {
  mkdir files
  mkdir files/sub
  write -c files/readme.txt first line
  write files/readme.txt second line
  write -c files/sub/song.txt la la la
  write -c welcome.txt Welcome to the files of $me
}

; Bob's side of the session.
on *:SOCKREAD:bob: { sockread %line | echo @peer bob read: %line }
on *:SOCKCLOSE:bob: echo @peer bob was closed

; A command of our own (haltdef: the server does not answer it too), and every line seen.
on *:SERV:where: { msg =$nick you are in $cd | haltdef }
; A ^ handler that halts hides the line from =bob, and the server does not answer it.
on ^*:SERV:psst: halt
on *:SERV:*: echo -s SERV from $nick in $cd : $1-

; What we type into =bob (a file server session's window: the `!` target) goes to him.
on *:INPUT:!: echo -s typed into the file server $target : $1-

; The file offered to bob comes back to us from him.
alias bob.loop {
  parseline -iqt :bob!b@bob.host PRIVMSG me : $+ $chr(1) $+ DCC SEND $nopath($send(bob).file) 2130706433 $send(bob).port $send(bob).size $+ $chr(1)
}
on *:FILESENT:*: echo -s sent $nopath($filename) to $nick
on *:FILERCVD:*: echo -s received $nopath($filename): $read($filename, n, 1)
