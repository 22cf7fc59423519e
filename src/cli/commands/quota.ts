// `gflow quota set | list | remove`: limits per user, per project, and the default for users.
import { ROUTES, type QuotasResponse, type QuotaSetRequest, type QuotaTarget } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';
import { table } from '../table.js';

interface TargetFlags {
  user?: string;
  project?: string;
  default?: boolean;
}

interface SetFlags extends TargetFlags {
  maxRunning?: string;
  maxGpus?: string;
  maxQueued?: string;
}

function target(f: TargetFlags): QuotaTarget {
  const given = [f.user !== undefined, f.project !== undefined, f.default === true].filter(Boolean).length;
  if (given !== 1) throw usage('say whose quota: one of --user NAME, --project NAME or --default');
  if (f.default) return { scope: 'default', name: '' };
  return f.user !== undefined ? { scope: 'user', name: f.user } : { scope: 'project', name: f.project! };
}

// A limit is a whole number, or `none` to lift it.
function limit(text: string | undefined, flag: string): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  if (!/^\d+$/.test(text) || Number(text) > 1_000_000) throw usage(`${flag} must be a whole number from 0 to 1000000, or none`);
  return Number(text);
}

export async function quotaSet(f: SetFlags): Promise<void> {
  const req: QuotaSetRequest = { ...target(f) };
  const limits = { maxRunning: limit(f.maxRunning, '--max-running'), maxGpus: limit(f.maxGpus, '--max-gpus'), maxQueued: limit(f.maxQueued, '--max-queued') };
  for (const [k, v] of Object.entries(limits)) if (v !== undefined) (req as unknown as Record<string, unknown>)[k] = v;
  if (Object.keys(req).length === 2) throw usage('no limit given', 'give --max-running, --max-gpus or --max-queued (N, or none)');
  await new Client().request('POST', ROUTES.quotas, req);
  process.stdout.write(`quota set for ${describe(req)}\n`);
}

export async function quotaRemove(f: TargetFlags): Promise<void> {
  const t = target(f);
  await new Client().request('POST', ROUTES.quotaRemove, t);
  process.stdout.write(`quota removed for ${describe(t)}\n`);
}

export async function quotaList(f: { json?: boolean }): Promise<void> {
  const { quotas } = await new Client().request<QuotasResponse>('GET', ROUTES.quotas);
  if (f.json) {
    process.stdout.write(`${JSON.stringify(quotas, null, 2)}\n`);
    return;
  }
  if (quotas.length === 0) {
    process.stdout.write('no quotas\n');
    return;
  }
  const n = (v: number | null): string => (v === null ? '-' : String(v));
  process.stdout.write(table(['FOR', 'MAX-RUNNING', 'MAX-GPUS', 'MAX-QUEUED'], quotas.map((q) => [describe(q), n(q.maxRunning), n(q.maxGpus), n(q.maxQueued)])));
}

function describe(t: QuotaTarget): string {
  return t.scope === 'default' ? 'default (users without their own)' : `${t.scope} ${t.name}`;
}
