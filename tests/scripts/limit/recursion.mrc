; Runaway recursion stops at the call depth limit instead of overflowing the stack.
alias down return $down($calc($1 + 1))
alias test echo -a $down(1)
; expect error: call depth exceeded (limit is 1000) in alias down
