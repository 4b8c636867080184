; Lines typed into a channel: some are handled by the script and not sent.
on *:INPUT:#:{
  if ($1 == !shout) { msg $chan $upper($2-) | haltdef }
  elseif ($1 == !quiet) { echo $chan (kept: $2-) | haltdef }
}
