; Doubling a string stops at the string length limit.
alias test {
  var %s = xxxxxxxxxxxxxxxx
  while (1) { %s = %s $+ %s }
}
; expect error: string too long (limit is 16777216) in alias test
