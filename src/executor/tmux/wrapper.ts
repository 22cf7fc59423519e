// The job wrapper: a bash script that tmux runs as the pane's command.
//
// It starts from a clean environment, loads the job's spec (environment, directory, argv),
// runs the job as its child with the terminal as stdin, forwards SIGTERM to the job's
// process group, and writes the exit status to the status file atomically (temporary file,
// then rename). The status file is the truth about how a job ended; the daemon watches the
// status directory and needs no callback from the job.
//
// The script is written once per content version under a name holding its hash, through a
// rename: bash reads scripts as it goes, so a running wrapper must never see its file change.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// An OSC sequence no terminal acts on: invisible on screen, it ends the job's log.
export const END_MARK = '\x1b]6973;gflow-end\x07';
const END_MARK_PRINTF = '\\033]6973;gflow-end\\007';

const SCRIPT = `#!/bin/bash
# gflow job wrapper. Usage: wrapper <spec file> <status file>
# Start clean: the job gets the submitter's environment (from the spec), not the tmux
# server's; only what describes this terminal stays.
# The variables to drop are the ones bash was started with (/proc/self/environ), read in one
# go by mapfile: cheaper by ~1.5 ms a job than listing every variable by its first letter
# (\${!A*} … \${!z*}), and no subshell (\$(compgen -e) costs a fork). The loop's stderr is
# redirected once: a redirection per unset opens /dev/null each time.
mapfile -d '' _env < /proc/self/environ
for _v in "\${_env[@]}"; do
  _v=\${_v%%=*}
  case $_v in TMUX | TMUX_PANE | TERM) ;; *) unset "$_v" ;; esac
done 2>/dev/null
unset _env _v
spec=$1
status=$2
# noclobber: the temporary file is created with O_EXCL, so a planted symlink is not followed.
set -o noclobber
# The end mark tells the daemon the log is complete (see below); mv by its path, because the
# job's environment decides PATH.
# finish_job CODE [STATUS]: STATUS (default CODE) is what the daemon reads.
# The status goes into a new file in one write(), so a reader finds nothing, or all of it with
# its newline (noclobber: O_EXCL, a planted symlink is not followed); a file already there is
# replaced through a temporary file and mv.
finish_job() {
  printf '${END_MARK_PRINTF}'
  { printf '%s\\n' "\${2:-$1}" > "$status"; } 2>/dev/null || { printf '%s\\n' "\${2:-$1}" > "$status.tmp.$$" && /bin/mv -f -- "$status.tmp.$$" "$status"; }
  exit "$1"
}
if ! . "$spec"; then
  echo "gflow: cannot start the job: see the error above ($spec)" >&2
  finish_job 127
fi
# --mem: into the job's memory cgroup first, so that everything the job starts is counted.
if [ -n "\${GFLOW_CGROUP_PROCS:-}" ] && ! echo $$ >| "$GFLOW_CGROUP_PROCS"; then
  echo "gflow: warning: cannot enter the job's memory cgroup; its memory is not limited" >&2
fi
unset GFLOW_CGROUP_PROCS
# The job's GPUs: a lock on each GPU's file, held while any process of the job lives (its
# processes inherit the descriptors). Taken by another daemon's job: not started, and the
# daemon puts the job back in the queue.
# A shared daemon (root) holds a user's job's locks itself (src/executor/gpu-hold.ts) and
# says here when one was taken.
if [ -n "\${GFLOW_GPU_BUSY:-}" ]; then
  echo "gflow: a GPU lock is held by another gflow daemon's job; back to the queue" >&2
  finish_job 75 gpu-busy
fi
gpu_fds=()
if [ -n "\${GFLOW_GPU_LOCKS:-}" ]; then
  IFS=: read -r -a _locks <<< "$GFLOW_GPU_LOCKS"
  for _l in "\${_locks[@]}"; do
    # Created anew if missing (noclobber: O_EXCL, nothing followed); only a regular file is
    # opened (a FIFO would hang the job, a link lead anywhere).
    [ -e "$_l" ] || [ -L "$_l" ] || (umask 0; set -o noclobber; : > "$_l") 2>/dev/null
    if [ -L "$_l" ] || [ ! -f "$_l" ] || ! { exec {_fd}<"$_l"; } 2>/dev/null; then
      echo "gflow: warning: cannot open the GPU lock $_l; running without it" >&2
      continue
    fi
    # A shared GPU job shares the GPU with other shared jobs: a shared lock.
    if ! /usr/bin/flock -n \${GFLOW_GPU_SHARED:+-s} "$_fd"; then
      echo "gflow: GPU lock $_l is held by another gflow daemon's job; back to the queue" >&2
      finish_job 75 gpu-busy
    fi
    gpu_fds+=("$_fd")
  done
fi
# --conda-env: activated here, as an interactive shell's \`conda init\` would, through conda's
# shell hook (CONDA_EXE: conda itself, set by conda in the submitter's shell).
if [ -n "\${GFLOW_CONDA_ENV:-}" ]; then
  if ! _hook=$("\${CONDA_EXE:-conda}" shell.bash hook); then
    echo "gflow: cannot activate conda environment '$GFLOW_CONDA_ENV': \\\`\${CONDA_EXE:-conda} shell.bash hook\\\` failed (see above)" >&2
    echo "gflow: submit from a shell where conda works (\\\`conda info\\\`), or set CONDA_EXE" >&2
    finish_job 127
  fi
  if ! { eval "$_hook" && conda activate "$GFLOW_CONDA_ENV"; }; then
    echo "gflow: cannot activate conda environment '$GFLOW_CONDA_ENV' (see above); \\\`conda env list\\\` lists them" >&2
    finish_job 127
  fi
fi
# Run the job in the background of this shell so that signals can be forwarded, with the
# terminal as its stdin and SIGINT/SIGQUIT restored (bash ignores them in background jobs).
exec 3<&0
# -o/--output, --error: the job's stdout/stderr also go to these files, through tee, whose
# output is the pane (and so the log). Without --error, stderr goes with stdout. The tees
# ignore the signals a user sends the job (they end when the job's output closes).
tees=()
exec 4>&1 5>&2
if [ -n "\${GFLOW_STDOUT_FILE:-}" ]; then
  exec 4> >(trap '' HUP INT QUIT USR1 USR2 ALRM TERM; exec /usr/bin/tee -a -- "$GFLOW_STDOUT_FILE")
  tees+=($!)
  [ -n "\${GFLOW_STDERR_FILE:-}" ] || exec 5>&4
fi
if [ -n "\${GFLOW_STDERR_FILE:-}" ]; then
  exec 5> >(trap '' HUP INT QUIT USR1 USR2 ALRM TERM; exec /usr/bin/tee -a -- "$GFLOW_STDERR_FILE" >&2)
  tees+=($!)
fi
( trap - INT QUIT; exec "$@" >&4 2>&5 4>&- 5>&- ) <&3 3<&- &
child=$!
exec 3<&- 4>&- 5>&-
forward_term() {
  # Send SIGTERM to the job's whole process group, but not to ourselves again.
  trap '' TERM
  kill -TERM -- -$$ 2>/dev/null || kill -TERM "$child" 2>/dev/null
  trap forward_term TERM
}
trap forward_term TERM
# Ctrl-C and a hang-up reach the job directly through the terminal; don't die of them.
trap ':' INT QUIT HUP
while :; do
  wait "$child"
  st=$?
  kill -0 "$child" 2>/dev/null || break
done
wait "$child" 2>/dev/null
st=$?
# Let go of the GPUs (children that live on keep them), and wake daemons waiting for them.
if ((\${#gpu_fds[@]})); then
  for _fd in "\${gpu_fds[@]}"; do exec {_fd}<&-; done
  /usr/bin/touch -c -- "\${_locks[@]}" 2>/dev/null
fi
# The output files are complete before the end is recorded (a process the job left behind may
# hold them open: wait at most 5 s for the tees).
for _t in "\${tees[@]}"; do
  for _i in {1..50}; do kill -0 "$_t" 2>/dev/null || break; /bin/sleep 0.1; done
done
# The daemon records the end once the log holds the end mark, so whoever reads an ended
# job's log finds all of it.
finish_job "$st"
`;

export const WRAPPER_VERSION = crypto.createHash('sha256').update(SCRIPT).digest('hex').slice(0, 12);

/** Writes the wrapper (if this version is not there yet) and returns its path. */
export function installWrapper(stateDir: string): string {
  const file = path.join(stateDir, `wrapper-${WRAPPER_VERSION}.sh`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    // Readable by every user: a shared daemon runs its users' jobs with it.
    fs.writeFileSync(tmp, SCRIPT, { mode: 0o755 });
    fs.renameSync(tmp, file);
  }
  return file;
}
