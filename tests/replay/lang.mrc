; Language behaviours seen from the client (tests/replay/lang.txt).

; A custom alias overrides the built-in command of its name; inside it, the command of the
; same name reaches the built-in, and `!join` skips the alias.
alias join {
  msg #log joining $1
  join $1
}
on *:TEXT:!join *:#: join $2

; `set -uN` unsets a variable N seconds later, by the client's clock.
on *:TEXT:!flood:#: {
  if (%flood) msg # slow down
  else {
    set -u5 %flood 1
    msg # ok
  }
}

; Text joined to the command word with `$+` makes the command's name.
alias greet.ann msg # hello ann
on *:TEXT:!greet *:#: greet. $+ $2
