; aliases.als - an alias file: no "alias" keyword, loaded with /load -a
; kind: alias file
; loads: aliases=9
; run: sum 1 2 3
; out: sum: 6
; run: say2 x y
; out: x y
; out: 3
/op mode # +o $1
/dop mode # -o $$1
/j join #$$1
/k kick # $$1 $2-
/hop part # | join #
ws whois $$1 $$1
/add return $calc($1 + $2)
sum {
  var %t = 0, %i = 1
  while ($gettok($1-,%i,32) != $null) {
    inc %t $v1
    inc %i
  }
  echo -a sum: %t
}
rem a comment line in an alias file
/say2 echo -a $1- | echo -a $add(1,2)
