; A regex event: $regml holds the groups of the message, which is never evaluated.
on $*:TEXT:/^!say (.+)/i:#: { echo -s said $regml(1) }
on $*:TEXT:/^!two (\w+) (\w+)$/:#: { echo -s first $regml(1) second $regml(2) count $regml(0) }
