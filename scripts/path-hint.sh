#!/usr/bin/env bash
# Usage: path-hint.sh DIR — after installing gflow's commands into DIR, says how to reach them:
# if the account's login shell does not put DIR on PATH, the one line that makes it (for that
# shell); if it does but the shell that ran setup started before DIR existed (Debian's ~/.profile
# adds ~/.local/bin only if it exists at login), how to use them in this shell.
set -euo pipefail
dir=$1
shell=$(getent passwd "$(id -un)" | cut -d: -f7)
shell=${shell:-${SHELL:-/bin/sh}}
shown=$dir
case $dir in "$HOME"/*) shown="\$HOME/${dir#"$HOME"/}" ;; esac
# PATH as a new login shell of this account sets it: a clean environment, the shell's own startup
# files (stdin closed and a time limit, in case one of them waits for something).
case ${shell##*/} in
  fish) print='string join : $PATH' ;;
  *) print='printf %s "$PATH"' ;;
esac
login_path=$(env -i HOME="$HOME" USER="$(id -un)" LOGNAME="$(id -un)" SHELL="$shell" TERM=dumb timeout 10 "$shell" -l -c "$print" </dev/null 2>/dev/null || true)
case ":$login_path:" in
  *":$dir:"*)
    case ":$PATH:" in
      *":$dir:"*) ;;
      *) echo "gflow and gflowd are in $shown, which new login shells put on PATH; in this shell first run: export PATH=\"$shown:\$PATH\"" ;;
    esac
    exit 0
    ;;
esac
case ${shell##*/} in
  fish) line="fish_add_path $shown" ;;
  zsh) line="echo 'export PATH=\"$shown:\$PATH\"' >> ~/.zprofile" ;;
  bash)
    rc=.profile
    for f in .bash_profile .bash_login; do if [ -e "$HOME/$f" ]; then rc=$f; break; fi; done
    line="echo 'export PATH=\"$shown:\$PATH\"' >> ~/$rc"
    ;;
  *) line="echo 'export PATH=\"$shown:\$PATH\"' >> ~/.profile" ;;
esac
echo "$shown is not on your login shell's PATH; add it (then open a new login shell) with: $line"
