#!/usr/bin/env bash
# Makes the pictures of the desktop window in docs/images/: a local ngircd, a headless
# RustIRC (ann) talking in #rustirc, and the window connected to it, under Xvfb with Mesa's
# software OpenGL: with a script open in the editor pane (main-window.png), with a script's
# dialog open (dialog.png), and with the import report of a mIRC folder (import-report.png).
# Needs ngircd and xvfb (Debian: apt-get install ngircd xvfb xauth). PROFILE=suite builds
# with that cargo profile instead of the default one.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-dev}
cargo build --quiet --profile "$profile" --bin rustirc
if [ "$profile" = dev ]; then dir=debug; else dir=$profile; fi
bin=${CARGO_TARGET_DIR:-target}/$dir/rustirc
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
cat > "$work/settings.mrc" <<'MRC'
; name: settings
dialog settings {
  title "Greeter settings"
  size -1 -1 260 200
  text "Greeting:", 1, 10 12 70 16
  edit "Welcome to the channel!", 2, 85 10 160 20
  check "Greet in a notice", 3, 10 40 160 18
  radio "Everyone", 4, 10 64 100 18, group
  radio "Only friends", 5, 120 64 120 18
  box "Friends", 6, 10 90 240 70
  list 7, 18 108 224 48
  button "OK", 8, 100 168 70 24, ok
  button "Cancel", 9, 180 168 70 24, cancel
}
on *:DIALOG:settings:init:0: {
  did -c settings 3
  did -c settings 4
  did -a settings 7 ann
  did -a settings 7 bob
}
on *:CONNECT: dialog -m settings settings
MRC
shoot() {
  local out=$1
  shift
  rm -rf "$work/data"
  xvfb-run -a -s "-screen 0 1280x800x24" "$bin" --config "$config" --data "$work/data" \
    "$@" --screenshot "$out"
  echo "wrote $out"
}
config=$work/config.toml
shoot docs/images/main-window.png --open "$work/greet.mrc"
shoot docs/images/import-report.png --import tests/import/mirc
config=$work/dialog.toml
{ echo "scripts = [\"$work/settings.mrc\"]"; cat "$work/config.toml"; } > "$config"
shoot docs/images/dialog.png
