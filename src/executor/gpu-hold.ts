// Root holds a user's job's GPU locks for it (src/executor/gpu-locks.ts: the lock files are
// root-only, so the job's wrapper, which runs as the user, cannot open them, and neither can
// anyone who would flock one by hand). A small holder process takes the locks before the job
// starts and keeps them until the job's wrapper has ended. It is started on its own (setsid),
// like the job, so the locks outlive a reload or a kill of the daemon as the job does.
import { spawn, type ChildProcess } from 'node:child_process';

// Args: "s" for shared locks (a shared GPU job) or "", then the lock files. Prints "held" or
// "busy" (another daemon's job holds one), then reads the wrapper's pid and start time
// (/proc/<pid>/stat field 22): an end of input instead (the launch failed) lets go at once.
// It holds while that pid is still the wrapper (a pid taken by another process after the
// wrapper ended must not keep a GPU locked for good, nor a zombie nobody reaps): `tail --pid`
// notices the end within 0.2 s, and every 5 s the start time and state are checked again. After letting go, a touch wakes the
// daemons watching the directory.
const HOLDER = `
shared=$1; shift
fds=()
for l in "$@"; do
  exec {fd}<"$l" || exit 1
  /usr/bin/flock -n \${shared:+-s} "$fd" || { echo busy; exit 75; }
  fds+=("$fd")
done
echo held
read -r pid start || exit 0
exec 0</dev/null 1>/dev/null
same() { local s; read -r s 2>/dev/null < "/proc/$pid/stat" || return 1; s=\${s##*) }; set -- $s; [ "$1" != Z ] && [ -n "$start" ] && [ "\${20}" = "$start" ]; }
while same; do /usr/bin/timeout 5 /usr/bin/tail -s 0.2 --pid="$pid" -f /dev/null; done
for fd in "\${fds[@]}"; do exec {fd}<&-; done
/usr/bin/touch -c -- "$@"
`;

export interface GpuHold {
  /** The job runs: its locks are held until this process (its wrapper) has ended. */
  attach(pid: number, startTime: string): void;
  /** The job did not start: let go now. */
  release(): void;
}

/** Takes the locks: the hold, 'busy' (another daemon's job has one), or an error message. */
export function holdGpuLocks(files: readonly string[], shared: boolean): Promise<GpuHold | 'busy' | { error: string }> {
  const child = spawn('/bin/bash', ['-c', HOLDER, 'gflow-gpu-hold', shared ? 's' : '', ...files], { detached: true, cwd: '/', stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('held\n')) resolve(hold(child));
      else if (out.startsWith('busy\n')) resolve('busy');
    });
    child.on('error', (e) => resolve({ error: e.message }));
    child.on('exit', (code) => resolve({ error: `the GPU lock holder exited ${code}: ${err.trim()}` }));
  });
}

function hold(child: ChildProcess): GpuHold {
  const done = (text: string): void => {
    child.stdin!.end(text);
    child.stdout!.destroy();
    child.stderr!.destroy();
    child.unref();
  };
  return { attach: (pid, startTime) => done(`${pid} ${startTime}\n`), release: () => done('') };
}

/**
 * Another user's job: root takes the GPU locks its environment names (GFLOW_GPU_LOCKS, which
 * the wrapper then no longer sees). Held by another daemon's job: the wrapper is told
 * (GFLOW_GPU_BUSY) and ends the job unstarted, back to the queue, as when it finds a lock taken.
 */
export async function holdJobGpus(env: Record<string, string>, warn: (message: string) => void): Promise<GpuHold | undefined> {
  const list = env.GFLOW_GPU_LOCKS;
  if (!list) return undefined;
  delete env.GFLOW_GPU_LOCKS;
  const r = await holdGpuLocks(list.split(':'), env.GFLOW_GPU_SHARED === '1');
  if (r === 'busy') env.GFLOW_GPU_BUSY = '1';
  else if ('error' in r) warn(`${r.error}; the job runs without its GPU locks`);
  else return r;
  return undefined;
}
