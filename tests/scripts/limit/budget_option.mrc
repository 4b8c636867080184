; --budget lowers the instruction budget.
; args: --budget 1000
alias test {
  var %i = 0
  while (%i < 5000) inc %i
  echo -a %i
}
; expect error: too many instructions (limit is 1000) in alias test
