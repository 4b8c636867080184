; /dns and on DNS (tests/replay/dns.txt).
on *:DNS: {
  echo -s dns: $dns(0) found, nick $+(<,$nick,>) i $iaddress n $naddress r $raddress
  var %i = 1
  while (%i <= $dns(0)) {
    echo -s dns %i $+ : $dns(%i) ip $dns(%i).ip addr $dns(%i).addr nick $dns(%i).nick
    inc %i
  }
}
