// `gflow info` and `gflow gpu …`: the machine as the scheduler sees it.
import chalk from 'chalk';
import { ROUTES, type InfoResponse, type SlurmClusterInfo } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';

export async function infoCommand(f: { json?: boolean }): Promise<void> {
  const info = await new Client().request<InfoResponse>('GET', ROUTES.info);
  if (f.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  if (info.slurm) out.push(...slurmLines(info.slurm));
  else out.push(`${chalk.bold('CPU slots')}: ${info.cpus.used} of ${info.cpus.total} in use`);
  out.push(`${chalk.bold('Jobs')}: ${Object.entries(info.counts).map(([s, n]) => `${s} ${n}`).join(', ')}`);
  if (info.slurm) {
    // The cluster's GPUs are Slurm's (the GRES column above).
  } else if (info.gpus.length === 0) {
    out.push(`${chalk.bold('GPUs')}: none${info.gpuError ? ` (nvidia-smi: ${info.gpuError})` : ''}`);
  } else {
    out.push(`${chalk.bold('GPUs')} (allocation: ${info.strategy}):`);
    for (const g of info.gpus) {
      const holders = [
        ...g.holders.map((h) => `job ${h.job} (${h.user})`),
        ...g.foreign.map((p) => `pid ${p.pid} (${p.lock ? "another gflow daemon's job holds its lock" : p.job !== null ? `job ${p.job}'s process, not holding this GPU` : 'not gflow'}${p.ignored ? ', ignored' : ''}${p.lock ? '' : `, ${p.usedMb} MiB`})`),
      ];
      const state = !g.allowed ? chalk.gray('not allowed') : g.foreign.some((p) => !p.ignored) ? chalk.yellow('busy (foreign process)') : g.jobs.length ? chalk.green('in use') : 'free';
      out.push(`  ${g.index}  ${g.name}  ${g.memoryUsedMb}/${g.memoryTotalMb} MiB  ${g.utilization}%  ${state}${holders.length ? `  — ${holders.join(', ')}` : ''}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// Executor slurm: the partition's nodes, as sinfo sees them.
function slurmLines(s: SlurmClusterInfo): string[] {
  const head = `${chalk.bold('Slurm')} ${s.partition ? `partition ${s.partition}` : 'default partition'}`;
  if (s.error) return [`${head}: sinfo failed: ${s.error}`];
  const cpus = s.nodes.reduce((a, n) => ({ used: a.used + n.cpus.allocated, total: a.total + n.cpus.total }), { used: 0, total: 0 });
  const rows = [['NODE', 'PARTITION', 'STATE', 'CPUS(A/T)', 'MEMORY', 'GRES'], ...s.nodes.map((n) => [n.name, n.partition, n.state, `${n.cpus.allocated}/${n.cpus.total}`, `${n.memoryMb} MiB`, n.gres || '-'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return [`${head}: ${s.nodes.length} node(s), ${cpus.used} of ${cpus.total} CPUs allocated`, ...rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`)];
}

// The allow-list is the `gpus` setting (precedence flag > environment > config file > default,
// as for every setting): written to the config file, then given to the running daemon so it
// applies at once.
export async function gpuAllowCommand(list: string): Promise<void> {
  const { runningDaemon, writeSetting } = await import('./config.js');
  const { resolvePaths } = await import('../../config/paths.js');
  const value = String(writeSetting('gpus', list));
  const what = value === 'all' ? 'all GPUs' : `GPUs ${value}`;
  process.stdout.write(`gpus = ${value} written to ${resolvePaths().configFile}\n`);
  const daemon = await runningDaemon();
  if (daemon === undefined) {
    process.stdout.write(`no daemon is running; the next \`gflowd up\` uses ${what}\n`);
  } else {
    const indices = value === 'all' ? null : value.split(',').map(Number);
    await new Client().request('POST', ROUTES.gpuAllow, { indices });
    process.stdout.write(`the running daemon uses ${what} now\n`);
  }
  const env = process.env.GFLOW_GPUS;
  if (env) process.stdout.write(`note: GFLOW_GPUS=${env} in this shell wins over the config file when a daemon starts from it\n`);
}

export function gpuIgnoreCommand(ignore: boolean) {
  return async (index: string, pid: string): Promise<void> => {
    if (!/^\d+$/.test(index) || !/^\d+$/.test(pid)) throw usage('give a GPU index and a process id', 'e.g. gflow gpu ignore 0 12345');
    await new Client().request('POST', ROUTES.gpuIgnore, { index: Number(index), pid: Number(pid), ignore });
    process.stdout.write(ignore ? `GPU ${index}: process ${pid} no longer blocks it\n` : `GPU ${index}: process ${pid} blocks it again while it runs\n`);
  };
}
