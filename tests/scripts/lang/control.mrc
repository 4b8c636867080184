; if/elseif/else, while with break and continue, goto, $iif and $v1/$v2.
alias test {
  var %i = 0, %out
  while (%i < 10) {
    inc %i
    if (%i == 3) continue
    elseif (%i == 7) break
    %out = %out %i
  }
  echo -a %out
  if (1 == 1) echo -a A | if (2 == 3) echo -a B | echo -a C
  var %n = 0
  :again
  inc %n
  if (%n < 3) goto again
  echo -a n= $+ %n
  echo -a $iif(2 > 1,a,b) $v1 $v2
  if ((1 == 1) && (2 == 3)) echo -a wrong
  else echo -a right
}
; expect: 1 2 4 5 6
; expect: A
; expect: C
; expect: n=3
; expect: a 2 1
; expect: right
