; name: autorejoin
; version: 1.0
; author: RustIRC
; description: rejoins a channel you were kicked from, after a delay
; permissions:
; requires: 0.1
; autorejoin.mrc: rejoin a channel you were kicked from, after a delay.
; Part of RustIRC's built-in scripts (docs/stdlib.md). Settings are global variables:
;   %autorejoin.on        1 rejoins, 0 does nothing                    (default 1)
;   %autorejoin.delay     seconds between the kick and the rejoin      (default 3)
;   %autorejoin.channels  channels to rejoin, comma-separated; * = all (default *)
;   %autorejoin.retries   rejoins per channel within the window        (default 3)
;   %autorejoin.window    the window, in seconds                       (default 60)
; A rejoin the server answers with 473 (invite only), 474 (banned) or 475 (bad key) is not
; tried again; you are told why.

on *:LOAD: autorejoin.defaults
on *:START: autorejoin.defaults

alias -l autorejoin.defaults {
  if ($var(autorejoin.on, 0) == 0) set -e %autorejoin.on 1
  if ($var(autorejoin.delay, 0) == 0) set -e %autorejoin.delay 3
  if ($var(autorejoin.channels, 0) == 0) set -e %autorejoin.channels *
  if ($var(autorejoin.retries, 0) == 0) set -e %autorejoin.retries 3
  if ($var(autorejoin.window, 0) == 0) set -e %autorejoin.window 60
}

; Whether channel $1 is one to rejoin.
alias -l autorejoin_wanted {
  if (%autorejoin.channels == *) return $true
  return $istok(%autorejoin.channels, $1, 44)
}

; Setting %autorejoin.$1 when it is a number in range $3, else (saying so) the default $2.
alias autorejoin_num {
  var %v $($+(%, autorejoin., $1), 2)
  if (%v isnum $3) return %v
  echo -s * Auto-rejoin: $chr(37) $+ autorejoin. $+ $1 is ' $+ %v $+ ', not a number ( $+ $3 $+ ); using $2
  return $2
}

; The hash table item of channel $1 on this connection.
alias -l autorejoin_item return $cid $+ . $+ $lower($1)

; Schedules a rejoin of channel $1 (key $2), unless the retry limit is reached.
alias -l autorejoin.schedule {
  var %item $autorejoin_item($1), %now $ctime, %delay $autorejoin_num(delay, 3, 0-)
  var %retries $autorejoin_num(retries, 3, 1-), %window $autorejoin_num(window, 60, 1-)
  ; attempts: "count first-ctime" within the window
  var %tries $hget(autorejoin.tries, %item)
  if (%tries == $null) || ($calc(%now - $gettok(%tries, 2, 32)) >= %window) var %tries 0 %now
  if ($gettok(%tries, 1, 32) >= %retries) {
    hdel autorejoin.pending %item
    echo -s * Auto-rejoin: not rejoining $1 $+ : already rejoined $gettok(%tries, 1, 32) times in %window $+ s
    return
  }
  hadd -m autorejoin.tries %item $calc($gettok(%tries, 1, 32) + 1) $gettok(%tries, 2, 32)
  hadd -m autorejoin.pending %item 1
  echo -s * Auto-rejoin: rejoining $1 in %delay $+ s
  .timerautorejoin. $+ %item 1 %delay autorejoin.join $1 $2
}

alias autorejoin.join {
  if ($hget(autorejoin.pending, $autorejoin_item($1)) != 1) return
  join $1-
}

on *:KICK:#: {
  if ($knick != $me) || (%autorejoin.on != 1) || (!$autorejoin_wanted($chan)) return
  autorejoin.schedule $chan $chan($chan).key
}

on me:*:JOIN:#: {
  if ($hget(autorejoin.pending, $autorejoin_item($chan))) hdel autorejoin.pending $autorejoin_item($chan)
}

; The server refused the rejoin. Bans, invite-only and bad keys will not go away by trying
; again; a full channel (471) or one that is temporarily unavailable (437) may.
raw 473:*: autorejoin.refused $2 invite only
raw 474:*: autorejoin.refused $2 banned
raw 475:*: autorejoin.refused $2 bad key
raw 471:*: autorejoin.retry $2
raw 437:*: autorejoin.retry $2

alias -l autorejoin.refused {
  var %item $autorejoin_item($1)
  if (!$hget(autorejoin.pending, %item)) return
  hdel autorejoin.pending %item
  hdel autorejoin.tries %item
  echo -s * Auto-rejoin: cannot rejoin $1 ( $+ $2- $+ ); not trying again
}

alias -l autorejoin.retry {
  if ($hget(autorejoin.pending, $autorejoin_item($1))) autorejoin.schedule $1
}

; /autorejoin on|off|status
alias autorejoin {
  if ($1 == on) || ($1 == off) {
    set %autorejoin.on $iif($1 == on, 1, 0)
    if ($1 == off) {
      .timerautorejoin.* off
      if ($hget(autorejoin.pending)) hfree autorejoin.pending
    }
  }
  elseif ($1 != status) && ($1 != $null) {
    echo -a * /autorejoin: unknown option ' $+ $1 $+ ' (use on, off or status)
    return
  }
  echo -a * Auto-rejoin is $iif(%autorejoin.on == 1, on, off) $+ : channels %autorejoin.channels $+ , after %autorejoin.delay $+ s, at most %autorejoin.retries rejoins per channel in %autorejoin.window $+ s
}
