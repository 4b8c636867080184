; bom.mrc - saved by an editor that writes a UTF-8 byte order mark
; kind: remote script
; loads: aliases=2
; run: smile
; out: ☺ héllo 日本
alias smile echo -a ☺ héllo 日本
alias -l width return $len(日本語)
