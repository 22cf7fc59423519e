#!/bin/sh
# What compiling the native addons needs (ours and better-sqlite3; in a clone also node-pty, for
# the tests): node-gyp runs python3 and make, make runs the C and C++ compilers. The release
# package's preinstall: without them it stops in one line, before npm compiles anything, instead
# of ending in node-gyp's pages of errors.
# With --missing it only prints the (Debian) packages missing, for scripts/system-deps.sh.
missing=""
command -v make >/dev/null 2>&1 || missing="$missing make"
{ command -v "${CC:-cc}" && command -v "${CXX:-g++}"; } >/dev/null 2>&1 || missing="$missing g++"
command -v "${PYTHON:-python3}" >/dev/null 2>&1 || missing="$missing python3"
missing=${missing# }
if [ "${1:-}" = --missing ]; then
  [ -z "$missing" ] || echo "$missing"
  exit 0
fi
[ -z "$missing" ] && exit 0
echo "gflow: cannot compile its native addons: $missing missing. Install them, or ask your administrator to run: sudo apt-get install -y --no-install-recommends $missing" >&2
exit 1
