#!/usr/bin/env bash
# The README's first command: install gflow, start the daemon, run a first job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
. scripts/npm-env.sh
npm ci --no-audit --no-fund
npm link --no-audit --no-fund
gflowd up
id=$(gflow submit --name hello -- bash -c 'echo "hello from gflow job $GFLOW_JOB_ID on $(hostname)"' | awk '{print $3}')
gflow log "$id" --follow
gflow queue --all --limit 5
echo
echo "Watch the daemon:  tmux attach -t gflow_server   (detach with Ctrl-b d)"
