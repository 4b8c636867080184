; dialogs.mrc - a dialog table and its events
; kind: remote script
; loads: aliases=1 events=2 dialogs=2
; run: echo -a $isalias(opts)
; out: $true

; the table becomes the model /dialog -m opens
dialog -l opts {
  title "Options"
  size -1 -1 120 60
  option dbu
  ; a comment inside the table
  text "Nick:", 1, 5 7 20 8
  edit "", 2, 30 5 85 12, autohs
  check "Auto-join", 3, 5 22 60 10
  button "OK", 4, 40 40 40 12, ok
}
; a dialog icon line and a link
dialog about {
  title "About"
  size -1 -1 200 100
  icon $mircdir\script.ico
  box "Helper", 10, 5 5 190 70
  link "https://example.net", 11, 10 20 100 10
}

alias opts dialog -m opts opts
; on DIALOG runs for the dialog's events
on *:DIALOG:opts:init:0:did -a $dname 2 $me
; $did(N) is control N of the dialog the event is about

on *:DIALOG:opts:sclick:4:echo -a saved $did(2)
