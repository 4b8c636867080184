; cp1252.mrc - a French script saved in Windows-1252 (not valid UTF-8)
; kind: remote script
; loads: aliases=2 events=1
; run: salut Amélie
; out: « Salut Amélie ! » – café 5 €
alias salut echo -a « Salut $1 ! » – café 5 €
alias accents return éèêàçù
on *:TEXT:*été*:#:msg # Bel été, $nick ‘toi’ …
