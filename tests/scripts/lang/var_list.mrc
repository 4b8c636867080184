; `var` declares every comma-separated name, with or without a value; the locals then shadow
; globals of the same name.
alias test {
  var %a, %b = 2, %c
  echo -a x %a x %b x %c x
  set %a global
  set %c global
  echo -a a= $+ %a c= $+ %c
  unset %a %c
}
; expect: x x 2 x x
; expect: a= c=
