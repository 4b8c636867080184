; Mode changes: op, deop, voice, bans, other channel modes.
on *:OP:#c: msg $chan $opnick was opped by $nick
on *:DEOP:#c: msg $chan $opnick was deopped
on *:VOICE:#c: msg $chan $vnick got a voice
on *:BAN:#c: msg $chan ban on $banmask
on *:MODE:#c: msg $chan modes now $1-
