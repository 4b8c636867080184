; Hash table identifiers: $hget(table), $hget(N), .size, $hget(table,item), $hget(table,N).item
; and .data, $hfind (exact, w, W, r) and its .data, $hmatch (docs/language/commands.md).
alias test {
  hmake colours 20
  hadd colours red ff0000
  hadd colours green 00ff00
  hadd colours blue 0000ff
  echo -a $hget(colours) $hget(colours).size $hget(0) $hget(1) $hget(nothing)
  echo -a $hget(colours,RED) $hget(colours,0).item $hget(colours,1).item $hget(colours,2).data
  echo -a $hfind(colours,green,1) $hfind(colours,*e*,0,w) $hfind(colours,b*,1,w) $hfind(colours,^r,1,r)
  echo -a $hfind(colours,00ff00,1).data $hfind(colours,*ff*,0,w).data
  hadd colours gr* pattern
  echo -a $hfind(colours,grey,1,W) $hmatch(colours,bl*,1)
  hdel colours red
  echo -a $hget(colours,0).item $hget(colours,1).item $hget(colours,red)
  hinc -m counts hits 5
  echo -a $hget(counts,hits) $hget(0)
  hfree colours
  echo -a $hget(colours) $hget(0)
}
; expect: colours 20 1 colours
; expect: ff0000 3 red 00ff00
; expect: green 3 blue red
; expect: green 3
; expect: gr* blue
; expect: 3 gr*
; expect: 5 2
; expect: 1
