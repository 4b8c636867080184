; Groups start as written: handlers of a group written "off" wait for /enable.
#away off
on *:TEXT:*:?:msg $nick I am away
#away end
#greet on
on *:TEXT:*:?:msg $nick hello $nick
#greet end

; else if chains, as loaded from a file
on *:TEXT:!size *:#:{
  if ($2 < 10) msg # small
  else if ($2 < 100) msg # medium
  else msg # large
}
