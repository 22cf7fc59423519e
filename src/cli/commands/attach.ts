// `gflow attach <id|@>`: puts the user's terminal on the job's tmux session.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { jobTmuxTmpdir } from '../../config/paths.js';
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { hasSession, slurmAttachArgv, tmuxAttach, type RunAs } from '../../tmux/tmux.js';
import { Client } from '../../client/client.js';
import { resolveJobId } from '../../client/job-ref.js';

export async function attachCommand(ref: string): Promise<void> {
  const client = new Client();
  const { job } = await client.request<JobResponse>('GET', ROUTES.job(await resolveJobId(client, ref)));
  if (job.state === 'queued' || job.state === 'hold') {
    throw new GflowError('conflict', `job ${job.id} has not started yet (${job.state})`, `watch for it with \`gflow queue\`, or read its output later with \`gflow log ${job.id}\``);
  }
  // A job runs in its owner's own tmux server: only the owner can attach to it. A shared
  // daemon's job runs in a server whose socket the daemon keeps in its state directory.
  const tmuxTmpdir = jobTmuxTmpdir(client.paths, job.uid);
  const me = process.getuid?.();
  if (job.uid !== null && me !== undefined && job.uid !== me) {
    const env = tmuxTmpdir ? `TMUX_TMPDIR=${tmuxTmpdir} ` : '';
    throw new GflowError('forbidden', `job ${job.id} belongs to ${job.user}; it runs in their own tmux server`, `only its owner can attach to it (root: sudo -u ${job.user} ${env}tmux attach -t ${job.session ?? `gjob-${job.id}`})`);
  }
  // A job on a Slurm cluster runs in a tmux server on its node: reached through srun.
  if (job.slurmId != null && job.session) {
    if (job.state !== 'running' || job.node === null) {
      throw new GflowError('conflict', job.state === 'running' ? `job ${job.id} waits in Slurm (job ${job.slurmId}) for a node` : `job ${job.id} has ended (${job.state}); its Slurm allocation is gone`, `read its output with \`gflow log ${job.id}\``);
    }
    const [program, ...args] = slurmAttachArgv(job.slurmId, job.session);
    const r = spawnSync(program!, args, { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    return;
  }
  const server: RunAs | undefined = tmuxTmpdir ? { ...self(), tmuxTmpdir } : undefined;
  if (!job.session || !(await hasSession(job.session, server))) {
    throw new GflowError('not_found', `the tmux session of job ${job.id} is gone (the job is ${job.state})`, `read its output with \`gflow log ${job.id}\``);
  }
  if (job.state !== 'running') process.stderr.write(`gflow: job ${job.id} is ${job.state}; showing its final screen (detach with Ctrl-b d)\n`);
  const attach = tmuxAttach(job.session, tmuxTmpdir);
  const r = spawnSync('tmux', attach.argv, { stdio: 'inherit', env: attach.env });
  process.exitCode = r.status ?? 1;
}

function self(): RunAs {
  const u = os.userInfo();
  return { uid: u.uid, gid: u.gid, name: u.username, home: u.homedir };
}
