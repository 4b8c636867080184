; $? asks the user: text, a password, yes or no; $$? halts on an empty answer.
alias ask {
  var %name = $?="Your name?"
  var %pass = $?*="Password?"
  echo -s name %name pass $len(%pass) chars
  if ($?!="Join #help?") join #help
  echo -s reason $$?="Reason?"
  echo -s not reached without a reason
}
