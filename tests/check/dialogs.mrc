; dialogs.mrc - a dialog table and its events
; kind: remote script
; loads: aliases=1 events=2 dialogs=2
; run: echo -a $isalias(opts)
; out: $true

; warn: 8:1 dialog 'opts' is parsed but dialogs cannot be shown yet
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
; warn: 19:1 dialog 'about'
dialog about {
  title "About"
  size -1 -1 200 100
  icon $mircdir\script.ico
  box "Helper", 10, 5 5 190 70
  link "https://example.net", 11, 10 20 100 10
}

alias opts dialog -m opts opts
; warn: 29:1 on DIALOG is parsed but this client cannot raise it yet
on *:DIALOG:opts:init:0:did -a $dname 2 $me
; warn: 32:1 on DIALOG is parsed
; warn: 32:41 $did (dialog controls) needs dialogs
on *:DIALOG:opts:sclick:4:echo -a saved $did(2)
