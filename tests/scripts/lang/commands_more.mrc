; More commands and identifiers (docs/language/commands.md and identifiers.md): /copy,
; /rename, /remini and $finddir; /hdec and $hregex; /dec; /return and /returnex; /tokenize;
; /noop and /reseterror; $eventparms and $alias. Files are made in commands_more.tmp/ and removed again.
alias test {
  mkdir commands_more.tmp
  mkdir commands_more.tmp/sub
  write -c commands_more.tmp/a.txt hello
  copy commands_more.tmp/a.txt commands_more.tmp/b.txt
  rename commands_more.tmp/b.txt commands_more.tmp/c.txt
  echo -a $read(commands_more.tmp/c.txt, n, 1) $isfile(commands_more.tmp/b.txt) $finddir(commands_more.tmp, *, 0) $nopath($finddir(commands_more.tmp, s*, 1))
  writeini commands_more.tmp/s.ini main a 1
  writeini commands_more.tmp/s.ini main b 2
  remini commands_more.tmp/s.ini main a
  echo -a $ini(commands_more.tmp/s.ini, main, 0) $readini(commands_more.tmp/s.ini, main, b)
  remini commands_more.tmp/s.ini main
  echo -a $ini(commands_more.tmp/s.ini, 0)
  .remove commands_more.tmp/a.txt
  .remove commands_more.tmp/c.txt
  .remove commands_more.tmp/s.ini
  rmdir commands_more.tmp/sub
  rmdir commands_more.tmp
  hmake fruit 10
  hadd fruit apple 5
  hadd fruit apricot 1
  hdec fruit apple 2
  hdec fruit apple
  echo -a $hget(fruit,apple) $hregex(fruit,^ap,0) $hregex(fruit,cot$,1)
  hfree fruit
  var %n = 5
  dec %n
  dec %n 2
  echo -a %n
  echo -a $len($collapsed($+(a,$chr(32),$chr(32),b))) $len($kept($+(a,$chr(32),$chr(32),b)))
  tokenize 44 x,y,z
  echo -a $2 $0
  noop $collapsed(this value is thrown away)
  reseterror
  parms one two
  echo -a $alias(0) $script(0)
}
alias collapsed return $1
alias kept returnex $1
alias parms echo -a $eventparms / $parms
; expect: hello $false 1 sub
; expect: 1 2
; expect: 0
; expect: 2 2 apricot
; expect: 2
; expect: 3 4
; expect: y 3
; expect: one two / one two
; expect: 0 1
