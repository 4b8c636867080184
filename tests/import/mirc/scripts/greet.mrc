on *:JOIN:#: if ($nick != $me) notice $nick %greeting
menu nicklist {
  Greet:notice $1 %greeting
}
dialog greetcfg {
  title "Greeting"
  size -1 -1 100 40
  edit "", 1, 5 5 90 10
}
