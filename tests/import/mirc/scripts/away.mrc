alias back away
alias gone {
  away $1-
  echo -a $dll(away.dll,set,1)
}
alias broken {
  if ($1 == { echo -a x }
}
