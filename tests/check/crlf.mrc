; crlf.mrc - Windows line ends everywhere, tabs for indentation
; kind: remote script
; loads: aliases=2 events=1
; run: tabbed x
; out: got x
; run: tabbed
; out: nothing
; run: cont
; out: one two
alias tabbed {
	if ($1) {
		echo -a got $1
	}
	else echo -a nothing
}
alias cont echo -a one $&
	two
on *:JOIN:#:{
	if ($nick == $me) echo # joined
}
