; groups.mrc - #group on|off ... #group end
; kind: remote script
; loads: aliases=3 events=4

#antispam on
on *:TEXT:*http*:#:kick # $nick no links
on *:TEXT:*www.*:#:kick # $nick no links
#antispam end

#away off
on *:TEXT:*:?:msg $nick I am away: %away.reason
alias away.reply return %away.reason
#away end

#tools on
alias tools.on enable #away | echo -a away replies on
alias tools.off disable #away | echo -a away replies off
on *:TEXT:!tools:#:msg # tools: on/off
#tools end
