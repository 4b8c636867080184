; mIRC's folders: $mircdir (here the folder files are kept in; under `rustirc run`, the
; script's own), $scriptdir, $mircini, $logdir, $getdir. Backslash paths work.
alias test {
  write -c $mircdir\folders.tmp hello from the folder
  echo -a $read($mircdir\folders.tmp, n, 1)
  echo -a $read($scriptdir $+ folders.tmp, n, 1)
  echo -a $iif($mircdir == $scriptdir, same folder, different folders)
  echo -a $nopath($mircini) $mid($logdir, $calc($len($mircdir) + 1)) $mid($getdir, $calc($len($mircdir) + 1))
  .remove $mircdir\folders.tmp
  echo -a $isfile($mircdir\folders.tmp)
}
; expect: hello from the folder
; expect: hello from the folder
; expect: same folder
; expect: mirc.ini logs/ downloads/
; expect: $false
