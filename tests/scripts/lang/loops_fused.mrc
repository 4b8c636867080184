; Loops whose bodies end in `inc` run through a fused loop bottom; these check its edges:
; the exit test, $v1/$v2 after the loop, numbers that stop being exact integers, and text.
; expect: 0 1 2
; expect: v1=3 v2=3
; expect: never
; expect: 9007199254740992 9007199254740993
; expect: 5
; expect: done 4 4
alias test {
  var %i = 0, %out
  while (%i < 3) {
    %out = %out %i
    inc %i
  }
  echo -a %out
  echo -a v1= $+ $v1 v2= $+ $v2
  var %j = 5
  while (%j < 3) {
    echo -a wrong
    inc %j
  }
  echo -a never
  var %k = 9007199254740990, %n = 9007199254740993
  while (%k < %n) {
    inc %k
  }
  echo -a %k %n
  var %s = 1, %t = 5
  while (%s <= %t) {
    inc %s
  }
  echo -a %t
  var %a = 1, %c = 0
  while (%a <= 4) {
    if (%a == 2) { inc %a | inc %c | continue }
    inc %c
    inc %a
  }
  echo -a done %c $calc(%a - 1)
}
