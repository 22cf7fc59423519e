// `gflow submit --dry-run` in words: what would be submitted, and what the planner says.
import { kindAt } from '../core/deps.js';
import { formatElapsed } from '../core/duration.js';
import type { DryRunResponse } from '../protocol/api.js';
import type { SubmitRequest } from '../protocol/job.js';
import { shortReason } from '../protocol/wait-reason.js';

export function dryRunText(base: SubmitRequest, answer: DryRunResponse, directives: string[] | undefined): string {
  const n = answer.jobs.length;
  const what = base.command ? base.command.join(' ') : base.scriptPath ?? base.script ? `script ${base.scriptPath ?? base.script}` : 'script from stdin';
  const lines = [`Would submit ${n === 1 ? '1 job' : `${n} jobs`} (dry run: nothing was submitted)`, `  command:      ${what}`, `  directory:    ${base.cwd}`];
  if (directives !== undefined) lines.push(`  directives:   ${directives.length ? directives.join(' ') : 'none'}`);
  const gpus = base.gpus ? `${base.gpus}${base.shared ? ` shared (${base.gpuMemoryMb} MiB)` : ''}` : '0';
  lines.push(`  resources:    ${base.cpus ?? 1} CPU slot(s), ${gpus} GPU(s), time limit ${base.timeLimitSec ? formatElapsed(base.timeLimitSec) : 'none'}, priority ${base.priority ?? 0}`);
  if (base.beginAt) lines.push(`  begin:        ${new Date(base.beginAt).toLocaleString()}`);
  for (const j of answer.jobs) {
    const label = n === 1 ? '  job:' : `  ${j.arrayTaskId !== null ? `task ${j.arrayTaskId}` : j.params ? Object.entries(j.params).map(([k, v]) => `${k}=${v}`).join(' ') : 'job'}:`;
    const deps = j.dependsOn.length ? ` after ${j.dependsOn.map((d, i) => `${kindAt(j.dependsKinds, i)}:${d}`).join(',')}${base.dependsMode === 'any' ? ' (any)' : ''};` : '';
    const name = j.name ? ` ${j.name};` : '';
    const verdict = j.held ? 'held (starts on `gflow release`)' : j.reason ? `would wait: ${shortReason(j.reason)}` : 'could start now';
    lines.push(`${label}${name}${deps} ${verdict}`);
  }
  return `${lines.join('\n')}\n`;
}
