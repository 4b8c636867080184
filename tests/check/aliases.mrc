; aliases.mrc - the alias forms and the control flow of a remote file
;
; kind: remote script
; loads: aliases=15
; run: greet bob
; out: Hello bob
; out: bye
; run: greet2 Ann 4
; out: Hi Ann!
; out: 8
; run: slash
; out: slash name
; run: count 6
; out: counted: 1 3 4
; run: grade 85
; out: B
; run: grade 60
; out: C
; run: grade 10
; out: F
; run: both a abc
; out: found
; out: a or b
; out: not a number
; out: wild
; run: retry
; out: tries: 3
; run: long
; out: this line is continued on the next one and once more
; run: ident x y
; out: called as a command with 2 parameters: x y
; run: halting a b c
; out: built-in echo
; out: a never without one
; run: blocks 1
; out: a bare block
; out: yes
; run: style a 2
; out: brace on the same line
; out: two
; run: style c 3
; out: something else
; out: many

/*
 Written for mIRC 6.x and up.
 alias commented {
   this alias is inside a comment block and never loads
 }
*/

rem a greeting in one line, pipes allowed
alias greet echo -a Hello $1 | echo -a bye
alias -l double { return $calc($1 * 2) }
alias GREET2 {
  ; a comment as the first thing of a command
  echo -a Hi $1 $+ ! | rem also a comment after a separator
  echo -a $double($2)
}
alias /slash echo -a slash name
alias F5 echo -a F5 pressed

alias count {
  var %i = 1, %out
  while (%i <= $1) {
    if (%i == 2) { inc %i | continue }
    if (%i > 4) break
    %out = %out %i
    inc %i
  }
  echo -a counted: %out
}

alias grade {
  if ($1 >= 90) echo -a A
  elseif ($1 >= 80) { echo -a B }
  elseif ($1 isnum 50-79) echo -a C
  else {
    echo -a F
  }
}

alias both {
  if (($1 isin $2) && ($1 != $null)) echo -a found
  if ($1 == a) || ($1 == b) echo -a a or b
  if (!$2) echo -a no second
  if ($1 !isnum) echo -a not a number
  if (a* iswm $1) { echo -a wild } | else echo -a tame
}

alias retry {
  var %n = 0
  :again
  inc %n
  if (%n < 3) goto again
  goto $iif(%n == 3,done,again)
  :done | echo -a tries: %n
}

alias long {
  echo -a this line is $&
    continued on the next one $&
    and once more
}

alias seen {
  set %seen. $+ $1 $ctime
  echo -a %seen. [ $+ [ $1 ] ]
  echo -a $($+(%,seen.,$1),2)
  unset %seen.*
}

alias ident {
  if ($isid) return $upper($1) $+ $iif($prop,. $+ $prop)
  echo -a called as a command with $0 parameters: $1-
}

alias halting {
  .echo -q silent
  !echo -a built-in echo
  echo -a $$1 never without one
  return $~len(abc) $!me $chr(36) $+ me #$1 $2- $1-2
}

alias blocks {
  { echo -a a bare block }
  var %x = $iif($1,yes,no) | echo -a %x
  while (1) { break }
}

alias style {
  if ($1 == a) {
    echo -a brace on the same line
  } elseif ($1 == b) {
    echo -a b
  } else {
    echo -a something else
  }
  if ($2 == 1) echo -a one
  else if ($2 == 2) echo -a two
  else echo -a many
}
