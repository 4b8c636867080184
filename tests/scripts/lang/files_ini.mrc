; File and INI identifiers: $read with n, s, w and a line number, $readn, $lines, $readini,
; $ini, $isfile, $isdir, $exists, $file().size, $findfile, $nopath, $nofile
; (docs/language/commands.md). Files are made in files_ini.tmp/ and removed again.
alias test {
  mkdir files_ini.tmp
  write -c files_ini.tmp/list.txt apple pie
  write files_ini.tmp/list.txt banana split
  write files_ini.tmp/list.txt cherry tart
  echo -a $lines(files_ini.tmp/list.txt) $read(files_ini.tmp/list.txt, n, 2) / $read(files_ini.tmp/list.txt, ns, cherry) $readn
  echo -a $read(files_ini.tmp/list.txt, nw, *an*) $readn / $file(files_ini.tmp/list.txt).size
  writeini files_ini.tmp/set.ini main nick tester
  writeini files_ini.tmp/set.ini main port 6667
  writeini files_ini.tmp/set.ini extra on yes
  echo -a $readini(files_ini.tmp/set.ini, n, main, port) $ini(files_ini.tmp/set.ini, 0) $ini(files_ini.tmp/set.ini, 2) $ini(files_ini.tmp/set.ini, main, 0) $ini(files_ini.tmp/set.ini, main, nick)
  echo -a $isfile(files_ini.tmp/set.ini) $isdir(files_ini.tmp) $exists(files_ini.tmp) $isfile(files_ini.tmp/none.txt)
  echo -a $findfile(files_ini.tmp, *.ini, 0) $nopath($findfile(files_ini.tmp, *.txt, 1)) $nopath(files_ini.tmp/set.ini) $nofile(files_ini.tmp/set.ini)
  .remove files_ini.tmp/list.txt
  .remove files_ini.tmp/set.ini
  rmdir files_ini.tmp
  echo -a $isdir(files_ini.tmp)
}
; expect: 3 banana split / tart 3
; expect: banana split 2 / 38
; expect: 6667 2 extra 2 1
; expect: $true $true $true $false
; expect: 1 list.txt set.ini files_ini.tmp/
; expect: $false
