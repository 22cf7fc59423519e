// Runs Slurm's commands (sbatch, squeue, scancel, sinfo, scontrol) for the daemon. The programs
// are found on PATH; GFLOW_SLURM_SBATCH may name another sbatch (a site's wrapper, or a test's).
import { execFile } from 'node:child_process';
import { GflowError } from '../../protocol/errors.js';

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runSlurm(program: string, args: string[], input?: string, timeoutMs = 60_000): Promise<CmdResult> {
  const file = program === 'sbatch' ? (process.env.GFLOW_SLURM_SBATCH ?? 'sbatch') : program;
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
      const code = !e ? 0 : typeof e.code === 'number' ? e.code : 127;
      resolve({ code, stdout, stderr: e && typeof e.code === 'string' ? `${program}: ${e.message}` : stderr });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

/** Runs a Slurm command that must succeed; its error, in Slurm's words, otherwise. */
export async function slurmOk(program: string, args: string[], what: string): Promise<string> {
  const r = await runSlurm(program, args);
  if (r.code !== 0) throw new GflowError('internal', `${what}: ${program} said: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') || `exit ${r.code}`}`, 'check the Slurm cluster (sinfo, squeue) and the daemon log');
  return r.stdout;
}
