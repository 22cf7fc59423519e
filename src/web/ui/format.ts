// How times, durations and states read on the page: local time, short durations.
import type { Job, JobState } from '../../protocol/job.js';

export function localTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  if (d > 0) return `${d}d ${hh}h`;
  if (hh > 0) return `${hh}h ${String(mm).padStart(2, '0')}m`;
  if (mm > 0) return `${mm}m ${String(ss).padStart(2, '0')}s`;
  return `${ss}s`;
}

/** How long the job has run (or ran), or has waited so far. */
export function jobTime(j: Job, now = Date.now()): string {
  const t = (iso: string | null): number | undefined => (iso ? Date.parse(iso) : undefined);
  const started = t(j.startedAt);
  const ended = t(j.finishedAt);
  if (started !== undefined) return duration((ended ?? now) - started);
  if (ended !== undefined) return '—';
  return duration(now - (t(j.submittedAt) ?? now));
}

export const STATE_LABEL: Record<JobState, string> = {
  queued: 'waiting',
  hold: 'held',
  running: 'running',
  finished: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
  timeout: 'timed out',
};

export function jobTitle(j: { id: number; name: string | null }): string {
  return j.name ? `${j.id} · ${j.name}` : `job ${j.id}`;
}

export function commandText(j: Job): string {
  if (j.command) return j.command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
  return j.scriptPath ?? j.script ?? '—';
}

export function mib(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${mb} MiB`;
}
