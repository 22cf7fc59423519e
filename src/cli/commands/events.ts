// `gflow events`: the daemon's event stream — what changed, when, in order. Without -f the
// stored events; with -f it keeps printing, across `gflowd reload` and restarts, missing none.
import chalk from 'chalk';
import { localTime } from '../../config/local-time.js';
import { EVENT_TYPES, isEventType, type EventType, type GflowEvent, type JobEventData } from '../../protocol/events.js';
import { Client } from '../../client/client.js';
import { followEvents } from '../../client/event-stream.js';
import { usage } from '../fail.js';
import { resolveJobId } from '../../client/job-ref.js';

interface EventsFlags {
  follow?: boolean;
  json?: boolean;
  job?: string;
  type?: string;
  after?: number;
  last?: number;
}

export async function eventsCommand(flags: EventsFlags): Promise<void> {
  const types = flags.type ? parseTypes(flags.type) : undefined;
  const client = new Client();
  const job = flags.job !== undefined ? await resolveJobId(client, flags.job) : undefined;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const stream = followEvents(client, { job, types, follow: flags.follow === true, after: flags.after, tail: flags.last, signal: stop.signal });
  for await (const e of stream) process.stdout.write(flags.json ? `${JSON.stringify(e)}\n` : `${eventLine(e)}\n`);
}

function parseTypes(text: string): EventType[] {
  return text.split(',').map((t) => {
    // `ended` is short for `job.ended`
    const full = t.includes('.') ? t : `job.${t}`;
    if (!isEventType(full)) throw usage(`unknown event type '${t}'`, `use one of ${EVENT_TYPES.join(', ')}`);
    return full;
  });
}

const TYPE_WIDTH = Math.max(...EVENT_TYPES.map((t) => t.length));

/** One event as a line a person reads: local time, id, type, what it says. */
export function eventLine(e: GflowEvent): string {
  const head = `${localTime(e.at)}  ${chalk.dim(`#${e.id}`)}  ${colourOf(e.type)(e.type.padEnd(TYPE_WIDTH))}`;
  return `${head}  ${e.job !== null ? jobText(e.data as JobEventData) : daemonText(e)}`;
}

function jobText(d: JobEventData): string {
  const parts = [`job ${d.id}${d.name ? ` ${d.name}` : ''}`, `(${d.user})`, d.state];
  if (d.exitCode !== null && d.exitCode !== undefined) parts.push(`exit ${d.exitCode}`);
  if (d.endedBy && d.endedBy !== 'natural') parts.push(`stopped ${d.endedBy === 'soft' ? 'by SIGTERM' : 'by SIGKILL'}`);
  if (d.fields?.length) parts.push(`changed ${d.fields.join(', ')}`);
  if (d.reason) parts.push(chalk.dim(`— ${d.reason}`));
  return parts.join(' ');
}

function daemonText(e: GflowEvent): string {
  const d = e.data as Record<string, unknown>;
  if (e.type === 'gpus.changed') {
    const gpus = (d.gpus ?? []) as { index: number; jobs?: number[]; foreign?: unknown[] }[];
    return gpus.map((g) => `GPU ${g.index}: ${g.jobs?.length ? `job ${g.jobs.join(',')}` : g.foreign?.length ? 'busy (not gflow)' : 'free'}`).join('  ');
  }
  const bits = [`pid ${String(d.pid)}`];
  if (d.version) bits.push(`version ${String(d.version)}`);
  if (d.from) bits.push(`replacing pid ${String(d.from)}`);
  if (d.signal) bits.push(String(d.signal));
  return bits.join(' ');
}

function colourOf(type: EventType): (s: string) => string {
  if (type === 'job.ended' || type === 'job.cancelled') return chalk.yellow;
  if (type === 'job.started') return chalk.green;
  if (type.startsWith('daemon.')) return chalk.magenta;
  return chalk.cyan;
}
