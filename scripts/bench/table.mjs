// bench/results.md: one row per figure, with its target and whether it is met.
export function toMarkdown(r) {
  const lines = ['# gflow benchmarks', '', `${r.machine.cpus} CPUs · node ${r.machine.node} · ${r.machine.date}`, ''];
  lines.push('| figure | min | median | max | target | met | load 1/5/15 |', '|---|---|---|---|---|---|---|');
  const la = (p) => (p?.loadavg ?? []).join(' / ');
  const row = (name, s, target, met, part) => {
    if (s?.n === 0) s = '—'; // nothing measured
    lines.push(`| ${name} | ${s?.min ?? ''} | ${s?.median ?? s ?? ''} | ${s?.max ?? ''} | ${target} | ${met === undefined ? '' : met ? 'yes' : '**no**'} | ${la(part)} |`);
  };
  if (r.cli) {
    const base = r.cli['node -e 0'];
    row('`node -e 0` (ms)', base, '—', undefined, r.cli);
    const targets = { 'gflow --version': 1.15, 'gflow submit -- true': 1.25, 'gflow queue': 1.3 };
    for (const [name, t] of Object.entries(targets)) {
      const s = r.cli[name];
      row(`\`${name}\` (ms; ×${s.ratio} node)`, s, t ? `≤ ${t} × node` : '—', t ? s.ratio <= t : undefined, r.cli);
    }
  }
  if (r.latency) {
    const nodeMs = r.cli?.['node -e 0']?.median;
    row('submit → job start (ms)', r.latency.submitToStartMs, nodeMs ? `≤ ${Math.round(nodeMs + 50)} (node + 50)` : 'node + 50', nodeMs ? r.latency.submitToStartMs.median <= nodeMs + 50 : undefined, r.latency);
    row('… of which the daemon: request → job start (ms)', r.latency.daemonPartMs, '—', undefined, r.latency);
  }
  for (const key of ['drain2', 'drain100']) {
    const d = r[key];
    if (d) row(`drain ${d.jobs} \`true\` jobs, ${d.slots} slots (jobs/s, n=${d.jobsPerSec.n}; ${d.failed} failed)`, d.jobsPerSec, d.slots === 2 ? '≥ 120' : 'tmux-bound', d.slots === 2 ? d.jobsPerSec.median >= 120 : undefined, d);
  }
  if (r.slurm?.latencyMs) {
    const { latencyMs: l, drain: d } = r.slurm;
    row('Slurm: submit → start, plain sbatch (ms)', l.sbatch, '—', undefined, r.slurm);
    row(`Slurm: submit → start through gflow (ms; +${l.overheadMs})`, l.gflow, '≤ sbatch + 100', l.overheadMs <= 100, r.slurm);
    row(`Slurm: drain ${d.jobs} jobs, gflow vs sbatch (s; ${d.gflowSec} vs ${d.sbatchSec}, ${d.failed} failed)`, `${d.overheadPct} %`, '≤ 10 %', d.overheadPct <= 10, r.slurm);
  }
  if (r.submit) {
    row('submit a 1,000-task array (ms)', r.submit.array1000Ms, '≤ 500', r.submit.array1000Ms.median <= 500, r.submit);
    row('submit a 1,000-point sweep (ms)', r.submit.sweep1000Ms, '≤ 500', r.submit.sweep1000Ms.median <= 500, r.submit);
  }
  if (r.many) {
    const m = r.many;
    row(`${m.jobs} jobs from a shell loop of \`gflow submit\` (ms)`, m.loopMs, '—', undefined, m);
    row(`${m.jobs} jobs with \`gflow submit --each FILE\` (ms)`, m.eachMs, '—', undefined, m);
    row(`${m.jobs} jobs as \`gflow submit --array 1-${m.jobs}\` (ms)`, m.arrayMs, '—', undefined, m);
  }
  if (r.scale) {
    const s = r.scale;
    row(`\`gflow queue\`, empty database (ms)`, s.queueEmptyMs, '—', undefined, s);
    row(`\`gflow queue\`, ${s.endedJobs} ended jobs (ms; ×${s.queueRatio})`, s.queueFullMs, '≤ 1.5 × empty', s.queueRatio <= 1.5, s);
    row(`\`gflow queue -a -n 50\`, ${s.endedJobs} ended jobs (ms; ×${s.queueAllRatio})`, s.queueAllN50FullMs, '—', undefined, s);
    row('daemon RSS idle (MB)', s.rssIdleMb, '≤ 80', s.rssIdleMb <= 80, s);
    row(`daemon RSS with ${s.endedJobs} jobs (MB)`, s.rssAfterMb, '≤ 150', s.rssAfterMb <= 150, s);
    row('idle daemon CPU (%, over 10 s)', s.idleCpuPct, '< 1', s.idleCpuPct < 1, s);
    row('scheduling pass, 10,000 queued jobs (ms)', s.pass10kMs, '≤ 20', s.pass10kMs.median <= 20, s);
  }
  if (r.stats) {
    row(`\`gflow stats --since 7d --all-users\`, ${r.stats.endedJobs} ended jobs (ms, n=${r.stats.statsSince7dMs.n})`, r.stats.statsSince7dMs, '≤ 1000', r.stats.statsSince7dMs.median <= 1000, r.stats);
    row('… of which the daemon: the request alone (ms)', r.stats.requestMs, '—', undefined, r.stats);
  }
  if (r.reload) {
    row(`reload wall time (ms, n=${r.reload.reloadWallMs.n})`, r.reload.reloadWallMs, '< 1500 median', r.reload.reloadWallMs.median < 1500, r.reload);
    row('time with no daemon scheduling during a reload (ms)', r.reload.noSchedulerMs, '—', undefined, r.reload);
    row('raw HTTP requests failed during reloads (no retries)', `${r.reload.rawRequests.failed} of ${r.reload.rawRequests.ok + r.reload.rawRequests.failed}`, '—', undefined, r.reload);
    row('CLI commands failed during reloads', `${r.reload.cliCommands.failed} of ${r.reload.cliCommands.ok + r.reload.cliCommands.failed}`, '0', r.reload.cliCommands.failed === 0, r.reload);
  }
  if (r.queued100k) {
    const q = r.queued100k;
    row('`gflow submit`, empty queue (ms)', q.submitEmptyMs, '—', undefined, q);
    row(`\`gflow submit\`, ${q.queued} queued jobs (ms; ×${q.submitRatio})`, q.submitFullMs, '≤ 1.5 × empty', q.submitRatio <= 1.5, q);
    row(`scheduling pass, ${q.queued} queued jobs (ms, the daemon's own figure)`, q.passFullMs, '≤ 50', q.passFullMs.median <= 50, q);
    row(`daemon RSS with ${q.queued} queued jobs (MB)`, q.rssMb, '≤ 200', q.rssMb <= 200, q);
  }
  if (r.ended1M) {
    const e = r.ended1M;
    row(`\`gflow queue\`, ${e.endedJobs} ended jobs (ms; ×${e.queueRatio} empty)`, e.queueFullMs, '≤ 1.5 × empty', e.queueRatio <= 1.5, e);
    row(`\`gflow clean\` of ${e.cleaned} ended jobs (ms)`, e.cleanMs, '≤ 60000', e.cleanMs <= 60_000, e);
    row(`… longest API answer during it (ms; p99 ${e.apiDuringClean.p99Ms}, ${e.apiDuringClean.probes} probes)`, e.apiDuringClean.maxMs, '≤ 100', e.apiDuringClean.maxMs <= 100, e);
  }
  if (r.eventClients) {
    const c = r.eventClients;
    row(`drain 500 jobs, 2 slots, no event-stream client (jobs/s)`, c.drainAloneJobsPerSec, '—', undefined, c);
    row(`… with ${c.clients} clients on the event stream (jobs/s; ×${c.ratio}; each got ${c.eventsPerClient.min}–${c.eventsPerClient.max} events)`, c.drainWatchedJobsPerSec, '≥ 0.9 ×', c.ratio >= 0.9, c);
  }
  if (r.reload10k) {
    const l = r.reload10k;
    row(`reload with ${l.queued} queued and ${l.running} running jobs (ms)`, l.reloadWallMs, '≤ 1500', l.reloadWallMs.median <= 1500, l);
    row('… raw HTTP requests failed during it', `${l.rawRequests.failed} of ${l.rawRequests.ok + l.rawRequests.failed}`, '0', l.rawRequests.failed === 0, l);
  }
  if (r.bigLog) {
    const b = r.bigLog;
    row(`\`gflow log --last 10\`, ${Math.round(b.logBytes / 1024 ** 3)} GB log (ms, n=${b.lastTenMs.n})`, b.lastTenMs, '≤ 1000', b.lastTenMs.median <= 1000, b);
    row('… its peak RSS (MB)', b.maxRssMb, '≤ 100', b.maxRssMb.max <= 100, b);
  }
  if (r.array20k) {
    const a = r.array20k;
    const alone = r.drain2?.jobsPerSec?.median;
    row(`submit a ${a.tasks}-task array (ms)`, a.submitMs, '—', undefined, a);
    row(`… its drain, 2 slots, ${a.tasks} queued (jobs/s${alone ? `; ×${Math.round((a.drainJobsPerSec / alone) * 100) / 100} an empty queue's` : ''})`, a.drainJobsPerSec, '≥ 0.9 × drain of 500', alone ? a.drainJobsPerSec >= 0.9 * alone : undefined, a);
    row('… cancelling the rest in one request (ms)', a.cancelMs, '—', undefined, a);
    row(`… daemon RSS before / queued / peak / after (MB)`, `${a.rssMb.before} / ${a.rssMb.queued} / ${a.rssMb.peak} / ${a.rssMb.after}`, 'after ≤ before + 20', a.rssMb.after <= a.rssMb.before + 20, a);
  }
  return `${lines.join('\n')}\n`;
}
