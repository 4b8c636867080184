; menus.mrc - popup menus in a remote file
; kind: remote script
; loads: aliases=1 menus=4

menu channel,query {
  Greet:msg $active hello
  Tools
  .Whois $1:whois $$1
  ..Deep item:echo -a deep
  .Clear:/clear
  -
  $iif($me isop #,Deop me):mode # -o $me
  Slap $$1:{
    describe # slaps $1 with a large trout
    echo -a slapped $1
  }
}

menu nicklist {
  Info
  .Whois:whois $$1
  .Ping:ctcp $$1 ping
  -
  Op:mode # +ooo $$1 $2 $3
  Kick (why?):kick # $$1 $$?="Reason:"
}

menu status,menubar {
  Connect
  .ExampleNet:server irc.example.net
  .$submenu($servers($1))
  Away $iif($away,(on),(off)):toggle.away
}

menu @log {
  dclick:echo -a double click on line $1
  Clear:clear @log
}

alias toggle.away if ($away) away | else away gone for a while
