; A budget that runs out exactly as an alias returns is reported at the next back edge or
; call, like any other.
; args: --budget 100
alias one return 1
alias test {
  var %i = 0, %y
  while (1) {
    %y = $one
    inc %i
  }
}
; expect error: too many instructions (limit is 100) in alias test
