; Query windows (tests/replay/query.txt): /query, /close, $query, $active, /echo to a query.
on *:TEXT:!queries:*: msg $iif(#,#,$nick) $query(0) open: $query(1) $query(2) $+(<,$query(zed),>) $query(ANN) active $active
alias ask { query $1 $2- | echo -s active $active }
