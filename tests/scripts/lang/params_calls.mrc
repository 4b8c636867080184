; Parameters of identifier and command calls: missing ones, $0, ranges, more than sixteen,
; tokenize inside the alias read back directly and from evaluated text, recursion; $calc with integer literals
; on numbers, decimals and text (the text fallback), comparisons with literals; aliases with
; dots in their names called as identifiers ($my.alias(x); $x.y without arguments is a property).
alias -l p3 return $0 [ $1 ] [ $2 ] [ $3 ] $2-
alias -l many return $0 $1 $16 $17 $20 $18-
alias -l tok {
  tokenize 44 $1
  return $0 $1 $3 $2-
}
alias -l tokeval {
  tokenize 32 x y z
  return $0 $2 $1- [ $3 ] $eval($1,2)
}
alias -l fact {
  if ($1 <= 1) return 1
  return $calc($1 * $fact($calc($1 - 1)))
}
alias -l cmd echo -a cmd: $0 $1 $3 $parms
alias -l guard {
  if ($1 < 2) return small $v1 $v2
  if ($1 == 2) return two
  return big
}
alias -l lib.join return $1 $+ + $+ $2
alias -l lib return lib $1 $prop
alias test {
  echo -a $p3(a) / $p3(a,b,c,d)
  echo -a $lib.join(a,b) $upper($lib.join(c,d)) / $lib(x).join / $lib.join
  echo -a $many(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20)
  echo -a $tok($+(a,$chr(44),b,$chr(44),c)) / $tokeval(q)
  echo -a $fact(10) $fact(1) $fact(0)
  cmd one two three four
  echo -a $guard(1) $guard(2) $guard(3) $guard(abc) $guard(1.5)
  var %x = 1.5, %y = abc, %z = 7
  echo -a $calc(%x + 1) $calc(%x * 2) $calc(%y + 1) $calc(%z % 4) $calc(%z - 10) $calc(%z * 3)
  echo -a $calc(%z / 2) $calc(%z // 2) $calc(%z ^ 2) $calc(3 * %z + 1) $calc(%z % 0)
  var %i = 0
  while (%i < 5) inc %i
  echo -a %i
  var %big = 9007199254740990
  echo -a $calc(%big + 1) $calc(%big * 2) $calc(%big - -4)
}
; expect: 1 a / 4 a b c b c d
; expect: a+b C+D / lib x join / lib join
; expect: 20 1 16 17 20 18 19 20
; expect: 3 a c b c / 3 y x y z z x
; expect: 3628800 1 1
; expect: cmd: 4 one three one two three four
; expect: small 1 2 two big big small 1.5 2
; expect: 2.5 3 0 3 -3 21
; expect: 3.5 3 49 22 0
; expect: 5
; expect: 9007199254740991 18014398509481980 9007199254740994
