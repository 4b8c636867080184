; name: logging
; version: 1.0
; author: RustIRC
; description: keeps channel and private conversations in files under logs/
; permissions:
; requires: 0.1
; logging.mrc: keep channel and private conversations in files.
; Part of RustIRC's built-in scripts (docs/stdlib.md). Settings are global variables:
;   %logging.on         1 logs, 0 does not                                  (default 1)
;   %logging.channels   1 logs channels                                     (default 1)
;   %logging.queries    1 logs private conversations                        (default 1)
;   %logging.timestamp  the time in front of each line, as $asctime formats it
;                                                         (default [yyyy-mm-dd HH:nn:ss])
;   %logging.colours    1 keeps colours and other formatting, 0 strips them  (default 0)
;   %logging.daily      1 starts a new file every day                       (default 1)
;   %logging.maxsize    bytes a file may reach before it is moved aside; 0 = no limit
;                                                                   (default 1048576)
; Files: logs/NETWORK/TARGET.log in the data folder, TARGET.yyyy-mm-dd.log when daily.
; A file that reaches %logging.maxsize is renamed to TARGET[.yyyy-mm-dd].N.log (the first
; N free) and a new one is started. Each line is appended with /write as it happens.

on *:LOAD: logging.defaults
on *:START: logging.defaults

alias -l logging.defaults {
  if ($var(logging.on, 0) == 0) set -e %logging.on 1
  if ($var(logging.channels, 0) == 0) set -e %logging.channels 1
  if ($var(logging.queries, 0) == 0) set -e %logging.queries 1
  if ($var(logging.timestamp, 0) == 0) set -e %logging.timestamp [yyyy-mm-dd HH:nn:ss]
  if ($var(logging.colours, 0) == 0) set -e %logging.colours 0
  if ($var(logging.daily, 0) == 0) set -e %logging.daily 1
  if ($var(logging.maxsize, 0) == 0) set -e %logging.maxsize 1048576
}

; The folder of this connection's logs (relative to the data folder).
alias logging_dir return logs/ $+ $mkfn($iif($network, $network, $server))

; The file target $1 logs to now, without the size rotation.
alias logging_file return $logging_dir $+ / $+ $mkfn($lower($1)) $+ $iif(%logging.daily == 1, . $+ $asctime($ctime, yyyy-mm-dd)) $+ .log

; Writes line $2- to the log of target $1 (a channel or a nick).
alias logging.write {
  if (%logging.on != 1) return
  if ($left($1, 1) isin $chantypes) {
    if (%logging.channels != 1) return
  }
  elseif (%logging.queries != 1) return
  if (!$isdir(logs)) mkdir logs
  if (!$isdir($logging_dir)) mkdir $logging_dir
  var %file $logging_file($1)
  if (%logging.maxsize > 0) && ($file(%file).size >= %logging.maxsize) {
    var %n 1, %base $left(%file, -4)
    while ($isfile(%base $+ . $+ %n $+ .log)) inc %n
    rename %file %base $+ . $+ %n $+ .log
  }
  var %line $asctime($ctime, %logging.timestamp) $2-
  if (%logging.colours != 1) var %line $strip(%line)
  write %file %line
}

on *:TEXT:*:#: logging.write $chan < $+ $nick $+ > $1-
on *:TEXT:*:?: logging.write $nick < $+ $nick $+ > $1-
on *:ACTION:*:#: logging.write $chan * $nick $1-
on *:ACTION:*:?: logging.write $nick * $nick $1-
on *:NOTICE:*:#: logging.write $chan - $+ $nick $+ - $1-
on *:JOIN:#: logging.write $chan * $nick ( $+ $address $+ ) has joined $chan
on *:PART:#: logging.write $chan * $nick ( $+ $address $+ ) has left $chan $iif($1-, ( $+ $1- $+ ))
on *:KICK:#: logging.write $chan * $knick was kicked by $nick ( $+ $1- $+ )
on *:TOPIC:#: logging.write $chan * $nick changes topic to ' $+ $1- $+ '
on *:RAWMODE:#: logging.write $chan * $nick sets mode: $1-
on *:QUIT: {
  var %i 1
  while ($comchan($nick, %i)) {
    logging.write $v1 * $nick ( $+ $address $+ ) Quit ( $+ $1- $+ )
    inc %i
  }
}
on *:NICK: {
  var %i 1
  while ($comchan($newnick, %i)) {
    logging.write $v1 * $nick is now known as $newnick
    inc %i
  }
}
; What you say: typed text (not a /command) and /me.
on *:INPUT:*: {
  if ($target == status) return
  if ($left($1, 1) != /) logging.write $target < $+ $me $+ > $1-
  elseif ($1 == /me) && ($2 != $null) logging.write $target * $me $2-
}

; /logsearch WORDS [#channel]: the logged lines holding WORDS (in any case), with their file.
alias logsearch {
  var %chan, %words $1-
  if ($0 > 1) && ($left($gettok($1-, -1, 32), 1) isin $chantypes) {
    var %chan $gettok($1-, -1, 32), %words $gettok($1-, 1- $+ $calc($0 - 1), 32)
  }
  if (%words == $null) {
    echo -a * /logsearch: use /logsearch WORDS [#channel]
    return
  }
  if (!$isdir(logs)) {
    echo -a * /logsearch: nothing is logged yet
    return
  }
  ; The files, in name order.
  var %files, %i 1, %mask $iif(%chan, $mkfn($lower(%chan)) $+ .*, *.log)
  while ($findfile(logs, %mask, %i, 2)) {
    var %f $remove($v1, $mircdir)
    if ($right(%f, 4) == .log) var %files $addtok(%files, %f, 124)
    inc %i
  }
  var %files $sorttok(%files, 124), %found 0, %i 1
  while ($gettok(%files, %i, 124)) {
    var %f $v1, %n 1
    while ($true) {
      var %line $read(%f, nw, $+(*, %words, *), %n)
      if ($readn == 0) || (%line == $null) break
      inc %found
      if (%found <= 100) echo -a %f $+ : $+ $readn $+ : %line
      var %n $readn + 1
    }
    inc %i
  }
  if (%found > 100) echo -a * /logsearch: %found lines hold ' $+ %words $+ '; the first 100 are shown
  else echo -a * /logsearch: %found $iif(%found == 1, line holds, lines hold) ' $+ %words $+ ' $+ $iif(%chan, $chr(32) $+ in %chan)
}
