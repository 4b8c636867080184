; name: autoaway
; version: 1.0
; author: RustIRC
; description: sets /away after a while without typing, and comes back when you type
; permissions:
; requires: 0.1
; autoaway.mrc: set /away when you have typed nothing for a while, and come back when you do.
; Part of RustIRC's built-in scripts (docs/stdlib.md). Settings are global variables; each
; may be given for one network by adding its name: %autoaway.minutes.Libera wins over
; %autoaway.minutes on Libera.
;   %autoaway.on           1 sets away when idle, 0 does not                 (default 1)
;   %autoaway.minutes      minutes without typing before going away          (default 15)
;   %autoaway.message      the away message, evaluated when going away; write $!time for
;                          $time in a /set   (default Away: idle since $time)
;   %autoaway.announce     1 says you are back in the channels you spoke in  (default 0)
;   %autoaway.backmessage  what /describe says there, evaluated; $autoaway_gone is the
;                          seconds you were away   (default is back (away $duration(...)))
; Idle time is counted per network: typing into one network's windows does not bring you
; back on another.

on *:LOAD: autoaway.defaults | if ($status == connected) autoaway.arm
on *:START: autoaway.defaults
on *:CONNECT: autoaway.arm
on *:DISCONNECT: .timerautoaway. $+ $cid off | if ($hget(autoaway.since)) hdel autoaway.since $cid

alias -l autoaway.defaults {
  if ($var(autoaway.on, 0) == 0) set -e %autoaway.on 1
  if ($var(autoaway.minutes, 0) == 0) set -e %autoaway.minutes 15
  if ($var(autoaway.message, 0) == 0) set -e %autoaway.message Away: idle since $!time
  if ($var(autoaway.announce, 0) == 0) set -e %autoaway.announce 0
  if ($var(autoaway.backmessage, 0) == 0) set -e %autoaway.backmessage is back (away $!duration($autoaway_gone) $+ )
}

; Setting $1 for this network: %autoaway.$1.NETWORK when set, else %autoaway.$1.
alias autoaway_get {
  var %v $($+(%, autoaway., $1, ., $network), 2)
  if (%v == $null) var %v $($+(%, autoaway., $1), 2)
  return %v
}

; The seconds this connection has been auto-away.
alias autoaway_gone return $calc($ctime - $hget(autoaway.since, $cid))

; (Re)starts this connection's idle countdown.
alias autoaway.arm {
  if ($autoaway_get(on) != 1) || ($autoaway_get(minutes) !isnum 1-) {
    if ($autoaway_get(on) == 1) echo -s * Auto-away: the minutes setting is ' $+ $autoaway_get(minutes) $+ ', not a number of minutes (1 or more); not counting
    .timerautoaway. $+ $cid off
    return
  }
  .timerautoaway. $+ $cid 1 $calc($autoaway_get(minutes) * 60) autoaway.idle
}

; The countdown ran out: go away, unless away already (an /away of your own stays).
alias autoaway.idle {
  if ($autoaway_get(on) != 1) || ($status != connected) || ($away) return
  hadd -m autoaway.since $cid $ctime
  away $eval($autoaway_get(message), 2)
  echo -s * Auto-away: away after $autoaway_get(minutes) minutes without typing
}

on *:INPUT:*: {
  if ($hget(autoaway.since, $cid)) {
    ; Back. An /away typed now is the user's own: it replaces ours without a return.
    var %gone $autoaway_gone
    if ($1 != /away) {
      away
      if ($autoaway_get(announce) == 1) {
        var %i 1, %chans $hget(autoaway.spoke, $cid)
        while ($gettok(%chans, %i, 44)) {
          var %chan $v1
          if ($me ison %chan) describe %chan $eval($autoaway_get(backmessage), 2)
          inc %i
        }
      }
      echo -s * Auto-away: back after $duration(%gone)
    }
    hdel autoaway.since $cid
    hdel autoaway.spoke $cid
  }
  ; The channels you spoke in since you were last back.
  if ($left($1, 1) != /) && ($left($target, 1) isin $chantypes) {
    hadd -m autoaway.spoke $cid $addtok($hget(autoaway.spoke, $cid), $target, 44)
  }
  autoaway.arm
}

; /autoaway on|off|status
alias autoaway {
  if ($1 == on) || ($1 == off) {
    set %autoaway.on $iif($1 == on, 1, 0)
    scon -a autoaway.arm
  }
  elseif ($1 != status) && ($1 != $null) {
    echo -a * /autoaway: unknown option ' $+ $1 $+ ' (use on, off or status)
    return
  }
  var %state $iif($hget(autoaway.since, $cid), away since $duration($autoaway_gone), $iif($timer(autoaway. $+ $cid), away in $duration($timer(autoaway. $+ $cid).secs), not counting))
  echo -a * Auto-away is $iif($autoaway_get(on) == 1, on, off) on $network $+ : after $autoaway_get(minutes) minutes, message ' $+ $autoaway_get(message) $+ ' $+ ; %state
}
