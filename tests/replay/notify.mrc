; The notify list: NOTIFY and UNOTIFY with $nick, and $notify.
on *:NOTIFY: echo -s notify $nick note $notify($nick).note ison $notify($nick).ison addr $notify($nick).addr
on ^*:UNOTIFY: if ($nick == carl) haltdef
on *:UNOTIFY: echo -s unotify $nick
on *:TEXT:!notify:#: msg # $notify $notify(0) $notify(1) $notify(2).ison $iif(ann isnotify,yes,no) $iif(zed isnotify,yes,no) $+(<,$notify(zed),>)
