; Conditions that are a literal integer are decided when the script is compiled; they run as
; the same test at run time would (constant_conditions_v1.mrc has the other case).
alias test {
  if (1) echo -a one is true
  if (0) echo -a zero is true
  else echo -a zero is false
  if (!0) echo -a not zero is true
  if (!1) echo -a not one is true
  elseif (2) echo -a two is true
  if (1 && 0) echo -a both
  else echo -a not both
  if (0 || 1) echo -a either
  var %n = 0
  while (0) { inc %n }
  echo -a while 0 ran %n times
  while (1) {
    inc %n
    if (%n >= 3) break
  }
  echo -a while 1 ran %n times
}
; expect: one is true
; expect: zero is false
; expect: not zero is true
; expect: two is true
; expect: not both
; expect: either
; expect: while 0 ran 0 times
; expect: while 1 ran 3 times
