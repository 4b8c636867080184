; A ^LOGON handler that halts sends its own login lines instead of the client's.
on ^*:LOGON:irc.other.net: echo -s wrong network
on ^*:LOGON:irc.example.net: raw NICK scripted | raw USER s 0 * :Scripted Bot | echo -s logging in myself | halt
