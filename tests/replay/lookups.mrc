; Address masks, away state and channel-status operators (tests/replay/lookups.txt).
alias masks {
  var %a = $1, %i = 0, %out
  while (%i <= 19) {
    %out = %out %i $+ = $+ $mask(%a,%i)
    inc %i
  }
  echo -s %out
}
alias status.of {
  var %n = $1, %c = $2
  echo -s %n on %c $+ : op $iif(%n isop %c,y,n) hop $iif(%n ishop %c,y,n) voice $iif(%n isvoice %c,y,n) reg $iif(%n isreg %c,y,n)
}
