; Loads and unloads other scripts, and finally itself.
on *:TEXT:!count:#: msg # $script(0) scripts, alias $isalias(extra.hello)
on *:TEXT:!bye:#: unload -rs $script | msg # unloading myself
on *:UNLOAD: echo -s main unloading
