; The end-to-end test's bridge from channel text to the native plugins' commands.
on *:TEXT:!rainbow *:#:{ rainbow -t $chan $2- }
on *:TEXT:!greeting *:#:{ greeting $2- }
