; set and var switches, $var with a % mask (docs/language/commands.md).
alias test {
  set -i %first one
  set -i %first two
  var -i %loc = a
  var -i %loc = b
  echo -a %first %loc
  set -u0 %semi here
  set -n %text 1 + 1
  set %sum 1 + 1
  echo -a %semi %text %sum
  set %seen.bob 1
  set %seen.ann 2
  echo -a $var(%seen.*,0) $var(%seen.*,1) $var(%seen.*,2).value $var(%seen.*,1).local
  set -u60 %flood 1
  echo -a $var(%flood,1).secs
  set -s %shown 5
}
; expect: one a
; expect: here 1 + 1 2
; expect: 2 %seen.bob 2 $false
; expect: 60
; expect: * Set %shown to 5
