; broken.als - an alias file with mistakes
; kind: alias file
; loads: aliases=4
; run: ok1 a
; out: ok1 a
; run: ok3
; out: ok3
/ok1 echo -a ok1 $1
/ok2 {
  echo -a ok2
}
; diag: 13:1 unexpected } at top level
}
; diag: 16:6 the condition of if is never closed
cond {
  if (%x == 1 echo -a x
}
/ok3 echo -a ok3
; diag: 20:8 { must be separated by spaces
/glued {echo -a glued}
/ok4 echo -a ok4
; diag: 23:1 unbalanced braces in alias 'unclosed': missing }
unclosed {
  echo -a the rest of the file is this alias's body
  ok5 echo -a not an alias
