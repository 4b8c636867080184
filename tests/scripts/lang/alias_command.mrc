; The /alias command (making an alias while a script runs) is not there yet: it is an error
; (docs/language/commands.md).
alias test {
  alias greet echo -a hi
}
; expect error: /alias: not available here
