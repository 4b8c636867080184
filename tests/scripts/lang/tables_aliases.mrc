; $hmatch, $hget(t,item).unset, $isalias properties, $script(N) (docs/language/commands.md).
alias -l helper return 1
alias test {
  hadd -m t apple 1
  hadd t apricot 2
  hadd -u30 t brief 3
  echo -a $hmatch(t,ap*,0) $hmatch(t,*cot,1) $hget(t,brief).unset $hget(t,apple).unset
  echo -a $isalias(helper) $isalias(helper).ftype $isalias(nothing) $nopath($isalias(test).fname)
  echo -a $script(0) $nopath($script(1)) $nopath($script(tables_aliases.mrc))
}
; expect: 2 apricot 30 0
; expect: $true remote $false tables_aliases.mrc
; expect: 1 tables_aliases.mrc tables_aliases.mrc
