; A settings dialog: an edit box, a check box, radio buttons, a list, OK and Cancel.
dialog prefs {
  title "Preferences"
  size -1 -1 160 110
  option dbu
  text "Nick:", 1, 5 5 30 10
  edit "", 2, 40 5 100 10, autohs
  check "Auto-join", 3, 5 20 60 10
  radio "Red", 4, 5 35 40 10, group
  radio "Blue", 5, 50 35 40 10
  list 6, 5 50 100 40, size
  button "OK", 7, 5 95 40 12, ok
  button "Cancel", 8, 50 95 40 12, cancel
}
alias prefs dialog -m prefs prefs
on *:DIALOG:prefs:init:0: {
  did -a prefs 2 $me
  did -c prefs 3
  did -a prefs 6 #rust
  did -a prefs 6 #irc
  did -i prefs 6 1 #first
  did -b prefs 5
  echo -s init $dname lines $did(prefs,6).lines first $did(prefs,6,1)
}
on *:DIALOG:prefs:sclick:3-6: {
  echo -s clicked $did state $did(prefs,$did).state sel $did(prefs,6).sel $did(prefs,6).seltext
}
on *:DIALOG:prefs:edit:2: echo -s nick now $did(prefs,2).text ( $+ $did(prefs,2).len $+ )
on *:DIALOG:prefs:dclick:6: join $did(prefs,6).seltext
on *:DIALOG:prefs:sclick:7: set %nick $did(2) | set %autojoin $did(prefs,3).state
on *:DIALOG:prefs:close:0: echo -s closed $dname after $devent
