; broken.mrc - a remote file with mistakes; every good item around them still loads
; kind: remote script
; loads: aliases=5 events=3 menus=1
; run: good1
; out: good1
; run: after.nobrace
; out: still here
; run: good2 x
; out: good2 x

alias good1 echo -a good1

; diag: 14:1 unbalanced braces in alias 'nobrace': missing }
alias nobrace {
  echo -a the closing brace is missing
alias after.nobrace echo -a still here

; diag: 19:1 unexpected } at top level
}

; diag: 22:11 malformed on TEXT header: expected 2 more ':'-separated field(s)
on *:TEXT:!hi

; diag: 26:3 else without a preceding if
alias elseonly {
  else echo -a nothing to be the else of
}

; diag: 31:6 the condition of if is never closed: missing )
alias badcond {
  if ($1 == 1 { echo -a one }
}

; diag: 35:12 { must be separated by spaces from the text around it
alias glued{ echo -a y }

; diag: 39:6 expected a condition in ( )
alias noparens {
  if $1 == 1 echo -a one
}

alias good2 echo -a good2 $1

; warn: 45:1 unknown event 'BOGUS'
on *:BOGUS:#:echo -a never raised

; diag: 48:1 unbalanced braces in on *:TEXT: missing }
on *:TEXT:*:#:{
  if ($1 == !x) {
}
on *:TEXT:!ok:#:msg # ok

; diag: 54:1 unbalanced braces in dialog 'half'
dialog half {
  title "never closed"
alias good3 echo -a good3

menu channel {
  ; diag: 60:13 cannot parse menu item 'Broken': the condition of if is never closed
  Broken:if ($1 == { echo }
  Fine:echo -a fine
}

; diag: 65:1 malformed raw header: expected raw NUMERIC:MATCHTEXT:COMMANDS
raw 433

; diag: 68:8 malformed ctcp header: expected 2 more ':'-separated field(s)
ctcp *:

; diag: 71:1 alias without a name
alias

; diag: 75:9 the condition of while is never closed: missing )
alias loop {
  while (%i < 3 {
    inc %i
  }
}

on *:JOIN:#:echo # hello
alias good4 echo -a good4

; warn: 84:1 comment block /* is never closed
/* a comment block whose end marker is not alone on its line
alias eaten echo -a this alias is inside the comment */
