; A file that reads $v1 keeps literal conditions as run-time tests, so $v1 holds the value.
alias test {
  if (7) echo -a v1 is $v1
  if (0) echo -a never
  else echo -a v1 is now $v1
}
; expect: v1 is 7
; expect: v1 is now 0
