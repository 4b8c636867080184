#!/usr/bin/env bash
# Makes the pictures of the desktop window in docs/images/: a local ngircd, a headless
# RustIRC (ann) talking in #rustirc, and the window connected to it with a script open in the
# editor pane, under Xvfb with Mesa's software OpenGL. Needs ngircd and xvfb (Debian:
# apt-get install ngircd xvfb xauth).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin rustirc
bin=${CARGO_TARGET_DIR:-target}/debug/rustirc
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 10000))
cat > "$work/ngircd.conf" <<CONF
[Global]
Name = irc.example.net
Info = RustIRC screenshot
Listen = 127.0.0.1
Ports = $port
MotdPhrase = Welcome
Network = ExampleNet
[Limits]
MaxConnectionsIP = 0
[Options]
PAM = no
Ident = no
DNS = no
CONF
ngircd=$(command -v ngircd || echo /usr/sbin/ngircd)
"$ngircd" -n -f "$work/ngircd.conf" >/dev/null 2>&1 &
sleep 1
# Ann: a headless client that greets whoever joins and chats a little, with colours.
cat > "$work/ann.mrc" <<'MRC'
on *:JOIN:#rustirc: {
  if ($nick == $me) return
  .timer 1 1 msg #rustirc Hi $nick $+ ! Welcome to $chr(3) $+ 12#rustirc $+ $chr(15)
  .timer 1 2 msg #rustirc I $chr(2) $+ love $+ $chr(2) the new $chr(29) $+ editor pane $+ $chr(29) $+ : type an alias, press Ctrl+S, call it.
  .timer 1 3 msg #rustirc The docs are at https://example.org/rustirc/docs
}
on *:TEXT:*hello*:#rustirc: msg # $nick $+ : $chr(3) $+ 4,1 hello back! $+ $chr(15)
MRC
"$bin" --headless --server "127.0.0.1:$port" --nick ann --join '#rustirc' --load "$work/ann.mrc" \
  --no-stdlib --data "$work/ann" >/dev/null 2>&1 &
sleep 1
cat > "$work/greet.mrc" <<'MRC'
; name: greet
; description: greets people who join, and /hello
alias hello {
  say Hello, $1 $+ ! Welcome to $chan $+ .
}

on *:JOIN:#: {
  if ($nick != $me) notice $nick Welcome to $chan $+ , $nick $+ !
}

alias broken {
  echo -a this alias lacks its closing brace
MRC
cat > "$work/config.toml" <<CONF
[[network]]
name = "ExampleNet"
server = "127.0.0.1:$port"
nick = "you"
channels = ["#rustirc"]
CONF
out=${1:-docs/images/main-window.png}
xvfb-run -a -s "-screen 0 1280x800x24" "$bin" --config "$work/config.toml" --data "$work/data" \
  --open "$work/greet.mrc" --screenshot "$out"
echo "wrote $out"
