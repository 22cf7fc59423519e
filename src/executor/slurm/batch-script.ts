// The batch script Slurm runs on the node for one job: it starts a private tmux server there,
// in the foreground (a child of the script, so Slurm's process tracking and signals reach it
// and everything in it), runs gflow's job wrapper (src/executor/tmux/wrapper.ts) in a session
// of it, logged from the first byte, and waits for the pane to end. The wrapper writes the exit
// status to the status file atomically, as it does locally: exit codes are right without
// slurmdbd. `gflow attach` reaches the session with `srun --overlap --pty tmux -L <socket> attach`.
import { newSessionArgs, shellQuote } from '../../tmux/tmux.js';
import { logPipeCommand } from '../tmux/log-pipe.js';

export interface BatchInput {
  session: string;
  wrapper: string;
  spec: string;
  statusFile: string;
  logFile: string;
  /** bytes of output the log keeps (null: all) */
  maxLogBytes: number | null;
  /** where tmux keeps its socket on the node, when the daemon has one set */
  tmuxTmpdir?: string;
}

export function renderBatchScript(b: BatchInput): string {
  const create = newSessionArgs({ name: b.session, argv: ['/bin/bash', b.wrapper, b.spec, b.statusFile], remainOnExit: true, logCommand: logPipeCommand(b.logFile, b.maxLogBytes) });
  const q = (args: string[]): string => args.map(shellQuote).join(' ');
  return `#!/bin/bash
# gflow batch script (generated): the job's wrapper in a tmux session on this node.
export PATH=/usr/local/bin:/usr/bin:/bin
unset TMUX TMUX_PANE
${b.tmuxTmpdir ? `export TMUX_TMPDIR=${shellQuote(b.tmuxTmpdir)}` : 'unset TMUX_TMPDIR'}
status=${shellQuote(b.statusFile)}
# The job's own tmux server on the node, named by its Slurm job id (slurmSocket).
sock=gflow-slurm-$SLURM_JOB_ID
t() { tmux -L "$sock" -f /dev/null "$@"; }
# nap SECONDS: a pause without a process (read's timeout on a FIFO nobody writes); a trapped
# signal ends it early.
tick=$(mktemp -u "\${TMPDIR:-/tmp}/gflow-tick.XXXXXX") && mkfifo -m 600 "$tick" && exec 3<>"$tick"
rm -f -- "$tick"
nap() { read -r -t "$1" -u 3 _ 2>/dev/null || :; }
tmux -L "$sock" -f /dev/null -D &
server=$!
sockfile="\${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
for _i in $(seq 1000); do [ -S "$sockfile" ] && break; kill -0 "$server" 2>/dev/null || break; nap 0.005; done
if ! pane=$(t ${q(create)}); then
  echo "gflow: cannot start the job's tmux session on $(hostname)" >&2
  kill "$server" 2>/dev/null
  exit 1
fi
pane=\${pane%%$'\\n'*}
# gflow stops a job politely with \`scancel --batch --signal=TERM\`: the wrapper forwards it to
# the job. Other signals (\`gflow signal\`, --signal) go to the job's processes, not the wrapper.
forward() {
  if [ "$1" = TERM ]; then kill -TERM "$pane" 2>/dev/null; return; fi
  for p in $(pgrep -g "$pane"); do [ "$p" = "$pane" ] || kill -s "$1" "$p" 2>/dev/null; done
}
for s in TERM INT HUP USR1 USR2 QUIT ALRM; do trap "forward $s" "$s"; done
# The job is over when its wrapper has written the status file (as it exits), or is gone. The
# daemon learns of the end from the status file itself; this only decides when Slurm gets the
# node back. Neither tmux's pane-died hook nor the pane's exit can be relied on here: a tmux
# server under slurmstepd sometimes never reaps a pane that exits at once.
while [ ! -e "$status" ] && kill -0 "$pane" 2>/dev/null && kill -0 "$server" 2>/dev/null; do
  nap 0.02
done
# The log is complete once it holds the wrapper's end mark (tmux copies it a moment later).
log=${shellQuote(b.logFile)}
for _i in $(seq 100); do tail -c 64 -- "$log" 2>/dev/null | grep -q gflow-end && break; nap 0.01; done
t kill-server 2>/dev/null
wait "$server" 2>/dev/null
rm -f -- "$sockfile"
st=$(cat "$status" 2>/dev/null)
case $st in '' | *[!0-9]*) exit 1 ;; *) exit $((st > 255 ? 255 : st)) ;; esac
`;
}
