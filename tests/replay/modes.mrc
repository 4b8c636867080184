; Channel mode events: one per change, with the setter in $nick.
on *:RAWMODE:#: echo -s rawmode $nick $chan $1-
on ^*:RAWMODE:#quiet: haltdef
on *:OP:#: echo -s opped $nick $opnick $chan
on *:DEOP:#: echo -s deop $nick $opnick
on *:SERVEROP:#: echo -s serverop $nick $opnick
on *:VOICE:#: echo -s voice $nick $vnick
on *:DEVOICE:#: echo -s devoice $nick $vnick
on *:HELP:#: echo -s help $nick $hnick
on *:DEHELP:#: echo -s dehelp $nick $hnick
on *:OWNER:#: echo -s owner $nick $opnick
on *:DEOWNER:#: echo -s deowner $nick $opnick
on *:ADMIN:#: echo -s admin $nick $opnick
on *:DEADMIN:#: echo -s deadmin $nick $opnick
; The level is the banned user's; >= compares the banner's level with it.
on >=5:BAN:#: echo -s legal ban of $banmask by $nick bnick $bnick
on *:BAN:#: echo -s other ban of $banmask by $nick bnick $bnick
on *:UNBAN:#: echo -s unban of $banmask by $nick bnick $bnick
on *:MODE:#: echo -s chanmode $nick $chan $1-
on *:SERVERMODE:#: echo -s srvmode $nick $chan $1-
on *:USERMODE: echo -s usermode $nick $1-
