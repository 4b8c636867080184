; Numeric replies.
raw 332:*: echo -s topic of $2 is $3-
raw 366:*: echo -s names done for $2
raw 421:*: echo -s unknown command $2
