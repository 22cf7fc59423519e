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
const END_MARK_SH = '\\033]6973;gflow-end\\007';

const SCRIPT = `#!/bin/bash
# gflow job wrapper. Usage: wrapper <spec file> <status file>
# Start clean: the job gets the submitter's environment (from the spec), not the tmux
# server's; only what describes this terminal stays.
for _v in $(compgen -e); do
  case $_v in TMUX | TMUX_PANE | TERM) ;; *) unset "$_v" 2>/dev/null ;; esac
done
spec=$1
status=$2
# noclobber: the temporary file is created with O_EXCL, so a planted symlink is not followed.
set -o noclobber
# The end mark tells the daemon the log is complete (see below); mv by its path, because the
# job's environment decides PATH.
finish_job() {
  printf '${END_MARK_SH}'
  printf '%s\\n' "$1" > "$status.tmp.$$" && /bin/mv -f -- "$status.tmp.$$" "$status"
  exit "$1"
}
if ! . "$spec"; then
  echo "gflow: cannot start the job: see the error above ($spec)" >&2
  finish_job 127
fi
# Run the job in the background of this shell so that signals can be forwarded, with the
# terminal as its stdin and SIGINT/SIGQUIT restored (bash ignores them in background jobs).
exec 3<&0
( trap - INT QUIT; exec "$@" ) <&3 3<&- &
child=$!
exec 3<&-
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
# The daemon records the end once the log holds the end mark, so whoever reads an ended
# job's log finds all of it.
finish_job "$?"
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
