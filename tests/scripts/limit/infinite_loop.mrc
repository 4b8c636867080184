; A runaway loop stops with a located error naming the limit; the next command still runs.
alias test {
  echo -a before
  while (1) { }
  echo -a never
}
; expect: before
; expect error: infinite_loop.mrc:4:3: error: too many instructions (limit is 200000000) in alias test
