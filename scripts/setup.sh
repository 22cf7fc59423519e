#!/usr/bin/env bash
# The README's first command: install gflow, start the daemon, run a first job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
. scripts/npm-env.sh
npm ci --no-audit --no-fund
# npm ci has run gflow's own install and prepare scripts (the addon, the build); npm link only
# puts gflow and gflowd on PATH. Run as a global install, its scripts would run a second time,
# outside the project's allowScripts (npm 11 warns about them there).
npm link --ignore-scripts --no-audit --no-fund
gflowd up
id=$(gflow submit --name hello -- bash -c 'echo "hello from gflow job $GFLOW_JOB_ID on $(hostname)"' | awk '{print $3}')
gflow log "$id" --follow
gflow queue --all --limit 5
echo
echo "Watch the daemon:  tmux attach -t gflow_server   (detach with Ctrl-b d)"
