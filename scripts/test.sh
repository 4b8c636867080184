#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need when it is missing (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v lua5.4 >/dev/null 2>&1 || need+=(lua5.4)
[ -x /usr/bin/time ] || need+=(time)
{ command -v ngircd || [ -x /usr/sbin/ngircd ]; } >/dev/null 2>&1 || need+=(ngircd)
command -v microsocks >/dev/null 2>&1 || need+=(microsocks)
# The native plugin tests compile C plugins.
command -v cc >/dev/null 2>&1 || need+=(gcc)
# The Python worker embeds CPython: it builds against /usr/bin/python3 and its shared
# libpython (see .cargo/config.toml).
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_config_var("INCLUDEPY"), "Python.h")))' >/dev/null 2>&1 || need+=(python3-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}"
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace --profile suite --no-fail-fast
