; A log window with a list box of nicks: lines are added, inserted, replaced and
; deleted, and what the user types into its input line goes to on INPUT.
alias logwin {
  window -el @log
  aline @log first line
  aline @log second line
  iline @log 1 zeroth
  rline @log 3 third
  aline -l @log alice
  echo -s lines $line(@log,0) first $line(@log,1) last $line(@log,3) list $line(@log,1,1)
  echo -s state $window(@log).state type $window(@log).type count $window(0)
}
on *:INPUT:@log: {
  aline @log you said $1-
  if ($1 == clear) clear @log
  haltdef
}
on *:INPUT:#: echo -s typed in a channel
on *:CLOSE:@log: echo -s closed $target
