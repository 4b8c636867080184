; Parameter and evaluation identifiers inside aliases: $1 $0 $1- $2- $parms $isid $prop $result
; $show, and $var with .value and .local (docs/language/identifiers.md).
alias -l who return $isid $prop $0 $2 $1-
alias -l cmd {
  echo -a $isid $show $0 $1 $2- $parms
  return done
}
alias test {
  echo -a $who(a,b c) $who(x).half
  cmd one two three
  .cmd quiet
  echo -a $result
  set %seen.a 1
  set %seen.b 2
  var %local = 3
  echo -a $var(%seen.*,0) $var(seen.*,1) $var(%seen.*,2).value $var(%local,1).local
}
; expect: $true 2 b c a b c $true half 1 x
; expect: $false $true 3 one two three one two three
; expect: $false $false 1 quiet quiet
; expect: done
; expect: 2 %seen.a 2 $true
