; IRC state identifiers read from events (typing a line would reset $idle).
on *:TEXT:!idle:#: echo -s idle $idle away $awaytime online $online
on *:TEXT:!tags:#: echo -s tags $msgtags n $msgtags(0) id $msgtags(msgid).key first $msgtags(1) none $msgtags(nope) end
on *:TEXT:!ranks:#: echo -s owner $iif(ann isowner #,yes,no) $iif(bob isowner #,yes,no) admin $iif(bob isadmin #,yes,no)
