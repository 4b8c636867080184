; Aliases called as commands and identifiers, $0, $1-, $isid, $prop, return vs returnex,
; locals vs globals, dynamic variable names.
alias -l twice return $calc($1 * 2)
alias show echo -a $0 $1 $2- $isid
alias info return $prop
alias test {
  echo -a $twice(21)
  show a b c d
  echo -a $info(x).deg
  set %seen. $+ bob 5
  echo -a %seen.bob %seen. [ $+ bob ]
  var %x = local
  set %x global
  echo -a %x
  unset %x
  echo -a %x
  unset %seen.*
  echo -a [ %seen.bob ] done
}
; expect: 42
; expect: 4 a b c d $false
; expect: deg
; expect: 5 5
; expect: local
; expect: global
; expect: done
