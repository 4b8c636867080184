; $? asks the user: text, a password, yes or no; $$? halts on an empty answer.
alias ask {
  var %name = $?="Your name?"
  var %pass = $?*="Password?"
  echo -s name %name pass $len(%pass) chars
  if ($?!="Join #help?") join #help
  echo -s reason $$?="Reason?"
  echo -s not reached without a reason
}

; $input: an edit box with a title and a default text, a password box, yes/no/cancel, OK.
alias nick2 {
  var %n = $input(New nick?,e,-1,Change nick,guest)
  if (%n) echo -s new nick %n
  else echo -s no new nick
}
alias quitq {
  var %a = $input(Quit now?,nv)
  echo -s answer %a
  if ($input(Really?,y)) echo -s quitting
  echo -s ok gives $input(Done.,o)
}
