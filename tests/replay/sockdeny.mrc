; A script without network permission (tests/replay/sockdeny.txt).
on *:TEXT:!fetch:#: {
  sockopen web example.com 80
  msg # opened
}
on *:TEXT:!listen:#: socklisten srv 8080
