; name: highlight
; version: 1.0
; author: RustIRC
; description: marks, collects and alerts on the lines that mention you
; permissions: ui
; requires: 0.1
; highlight.mrc: notice the lines that mention you.
; Part of RustIRC's built-in scripts (docs/stdlib.md). Settings are global variables:
;   %highlight.on      1 looks for highlights, 0 does not                     (default 1)
;   %highlight.nick    1 your nick (as a whole word, any case) highlights     (default 1)
;   %highlight.words   more words that highlight, separated by spaces        (default none)
;   %highlight.regex   regular expressions that highlight, separated by spaces (default none)
;   %highlight.beep    1 beeps at a highlight                                (default 0)
;   %highlight.flash   1 flashes the window at a highlight                   (default 1)
;   %highlight.window  1 collects highlights in the @Highlights window       (default 1)

on *:LOAD: highlight.defaults
on *:START: highlight.defaults

alias -l highlight.defaults {
  if ($var(highlight.on, 0) == 0) set -e %highlight.on 1
  if ($var(highlight.nick, 0) == 0) set -e %highlight.nick 1
  if ($var(highlight.beep, 0) == 0) set -e %highlight.beep 0
  if ($var(highlight.flash, 0) == 0) set -e %highlight.flash 1
  if ($var(highlight.window, 0) == 0) set -e %highlight.window 1
}

; What in $1- highlights: the nick, word or expression, or $null.
alias highlight_hit {
  ; The words of the text: everything but the characters nicks are made of separates them.
  var %words $regsubex($strip($1-), /[^A-Za-z0-9_\[\]\\^{}|`-]+/g, $chr(32))
  if (%highlight.nick == 1) && ($istok(%words, $me, 32)) return $me
  var %i 1
  while (%i <= $numtok(%highlight.words, 32)) {
    if ($istok(%words, $gettok(%highlight.words, %i, 32), 32)) return $gettok(%highlight.words, %i, 32)
    inc %i
  }
  var %i 1
  while (%i <= $numtok(%highlight.regex, 32)) {
    var %re $gettok(%highlight.regex, %i, 32)
    if ($regex(highlight, $strip($1-), %re) > 0) return %re
    inc %i
  }
  return $null
}

; A highlight in window $1 (a channel or query) by nick $2, with line $3- as shown.
alias -l highlight.mark {
  markline $1
  window -g3 $1
  if (%highlight.beep == 1) beep
  if (%highlight.flash == 1) flash $1 $3-
  if (%highlight.window == 1) echo @Highlights $asctime($ctime, yyyy-mm-dd HH:nn:ss) $iif($network, $network, $server) $1 $3-
}

on *:TEXT:*:#: {
  if (%highlight.on == 1) && ($nick != $me) && ($highlight_hit($1-) != $null) highlight.mark $chan $nick < $+ $nick $+ > $1-
}
on *:ACTION:*:#: {
  if (%highlight.on == 1) && ($nick != $me) && ($highlight_hit($1-) != $null) highlight.mark $chan $nick * $nick $1-
}

; /highlight add [-r] WORD, /highlight del WORD, /highlight list, /highlight on|off
alias highlight {
  if ($1 == on) || ($1 == off) {
    set %highlight.on $iif($1 == on, 1, 0)
    echo -a * Highlight is $1
  }
  elseif ($1 == add) && ($2 == -r) && ($3 != $null) {
    if ($regex(highlight, test, $3) < 0) {
      echo -a * /highlight: ' $+ $3 $+ ' is not a valid regular expression
      return
    }
    set %highlight.regex $addtok(%highlight.regex, $3, 32)
    echo -a * Highlight: added regular expression $3
  }
  elseif ($1 == add) && ($2 != $null) && ($2 != -r) {
    set %highlight.words $addtok(%highlight.words, $2, 32)
    echo -a * Highlight: added $2
  }
  elseif ($1 == del) && ($2 != $null) {
    if ($istok(%highlight.words, $2, 32)) set %highlight.words $remtok(%highlight.words, $2, 1, 32)
    elseif ($istokcs(%highlight.regex, $2, 32)) set %highlight.regex $remtokcs(%highlight.regex, $2, 1, 32)
    else {
      echo -a * /highlight: $2 is not in the list
      return
    }
    echo -a * Highlight: removed $2
  }
  elseif ($1 == list) || ($1 == $null) {
    echo -a * Highlight is $iif(%highlight.on == 1, on, off) $+ ; nick: $iif(%highlight.nick == 1, $me, off) $+ ; words: $iif(%highlight.words, $v1, none) $+ ; regular expressions: $iif(%highlight.regex, $v1, none)
  }
  else echo -a * /highlight: use add [-r] WORD, del WORD, list, on or off
}
