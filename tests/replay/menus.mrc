; Popup menus: a nick list menu with submenus, styles, a hidden item and a $submenu;
; a channel menu; a custom window's menu; and function keys.
menu nicklist {
  Whois $1:whois $1
  $iif($me isop #,Op $1):mode # +o $1
  -
  Modes
  .$style(1) Voice:mode # +v $1
  .$style(2) Ban:ban # $1
  Slap
  .$submenu($slaps($1))
}
menu channel,query {
  Part $chan:part #
}
menu @log {
  Clear:clear @log
}
alias slaps {
  if ($1 == begin) return -
  if ($1 == 1) return Trout:me slaps $snicks with a trout
  if ($1 == 2) return Fish:me slaps $snicks with a fish
}
alias F1 echo -s help for $active
alias sF1 echo -s shift F1
alias cF5 echo -s ctrl F5 in $active
