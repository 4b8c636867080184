; Global variables saved to vars.ini, hash tables saved and loaded, in the data folder.
on *:TEXT:!set *:#: set %greeting $2-
on *:TEXT:!count:#: inc %count
on *:TEXT:!forget:#: unset %greeting
on *:TEXT:!saved:#: msg # saved: $isfile(vars.ini)
on *:TEXT:!vars:#: msg # $read(vars.ini, n, 2) / $read(vars.ini, n, 3)
on *:TEXT:!hsave:#: hadd -m seen $nick 1 | hsave seen seen.hsh | hfree seen
on *:TEXT:!hload:#: hmake seen | hload seen seen.hsh | msg # $nick seen $hget(seen, $nick) file $isfile(seen.hsh)
