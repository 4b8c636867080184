; The user list: /auser, /guser, /ruser, $level, $ulist, and levels on events.
on 5:TEXT:!op:#: msg # $nick may op
on friend:TEXT:!hug:#: describe # hugs $nick
on *:TEXT:!hug:#: msg # no hugs for $nick
on +10:TEXT:!ten:#: msg # exactly ten
on *:TEXT:!level *:#: msg # level of $2 is $level($2)
on *:TEXT:!ulist:#: msg # $ulist(*,0) users, first $ulist(*,1) ( $+ $ulist(*,1).info $+ ), friends: $ulist(*,friend,0)
on *:TEXT:!file:#: msg # $read(users.ini, n, 2)
