; Filling a hash table forever stops at a limit (instructions or table size), never hangs.
alias test {
  hmake t 100
  var %i = 1
  while (1) { hadd t $+(k,%i) %i | inc %i }
}
; expect error: in alias test
