// `gflow notify add|remove|list|test`: standing notification rules kept by the daemon.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseNotifyEvents } from '../../core/notify-on.js';
import { ROUTES } from '../../protocol/api.js';
import { NOTIFY_CHANNELS, type DeliveryView, type NotifyChannel, type NotifyListResponse, type NotifyRuleRequest, type NotifyRuleView, type NotifyTestResponse } from '../../protocol/notify.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';
import { table } from '../table.js';

export interface AddFlags {
  events?: string;
  header?: string[];
  allUsers?: boolean;
  json?: boolean;
}

export async function notifyAdd(kind: string, target: string, f: AddFlags): Promise<void> {
  if (!(NOTIFY_CHANNELS as readonly string[]).includes(kind)) throw usage(`unknown kind '${kind}'`, `give one of ${NOTIFY_CHANNELS.join(', ')}: gflow notify add webhook URL`);
  const channel = kind as NotifyChannel;
  const req: NotifyRuleRequest = { channel, target };
  if (f.events !== undefined) {
    try {
      req.events = parseNotifyEvents(f.events);
    } catch (err) {
      throw usage(`--events: ${(err as Error).message}`);
    }
  }
  if (f.header?.length) {
    if (channel !== 'webhook') throw usage('--header applies to a webhook only');
    req.headers = {};
    for (const h of f.header) {
      const at = h.indexOf(':');
      if (at <= 0) throw usage(`--header '${h.split(':')[0]}…' is not Name:value`, 'e.g. --header "Authorization: Bearer $TOKEN"');
      req.headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
    }
  }
  if (f.allUsers) req.allUsers = true;
  const { rule } = await new Client().request<{ rule: NotifyRuleView }>('POST', ROUTES.notifyRules, req);
  if (f.json) return void process.stdout.write(`${JSON.stringify(rule, null, 2)}\n`);
  process.stdout.write(`Added notify rule ${rule.id}: ${rule.channel} ${rule.target} on ${rule.events.join(',')} (try it: gflow notify test ${rule.id})\n`);
}

export async function notifyRemove(idText: string): Promise<void> {
  const id = Number(idText);
  if (!/^\d+$/.test(idText) || id < 1) throw usage(`'${idText}' is not a rule id`, 'see `gflow notify list`');
  await new Client().request('POST', ROUTES.notifyRemove, { id });
  process.stdout.write(`Removed notify rule ${id}\n`);
}

export async function notifyList(f: { json?: boolean }): Promise<void> {
  const list = await new Client().request<NotifyListResponse>('GET', ROUTES.notify);
  if (f.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  if (list.rules.length === 0) process.stdout.write('No notify rules (add one: gflow notify add webhook URL | command CMD | email ADDR).\n');
  else {
    const rows = list.rules.map((r) => [String(r.id), r.user, r.channel, r.events.join(','), `${r.target}${r.headers.length ? ` [${r.headers.map((h) => `${h}: ***`).join(', ')}]` : ''}${r.allUsers ? ' (every user)' : ''}`]);
    process.stdout.write(table(['ID', 'USER', 'KIND', 'EVENTS', 'TARGET'], rows));
  }
  if (list.deliveries.length === 0) return void process.stdout.write('\nNo pending or failed deliveries.\n');
  process.stdout.write('\nDeliveries pending or failed:\n');
  process.stdout.write(table(['ID', 'JOB', 'EVENT', 'KIND', 'STATE', 'TRIES', 'NEXT / LAST ERROR'], list.deliveries.map(deliveryRow)));
}

function deliveryRow(d: DeliveryView): string[] {
  const next = d.state === 'pending' && d.nextAt ? `next ${new Date(d.nextAt).toLocaleTimeString()}` : '';
  return [String(d.id), d.jobId === null ? '-' : String(d.jobId), d.event, `${d.channel} ${d.target}`, d.state, String(d.attempts), [next, d.lastError ?? ''].filter(Boolean).join('; ')];
}

/** Sends a test now and waits (bounded) for each delivery's first answer. */
export async function notifyTest(id: string | undefined, f: { wait?: boolean }): Promise<void> {
  const client = new Client();
  const body = id === undefined ? {} : { rule: Number(id) };
  if (id !== undefined && !/^\d+$/.test(id)) throw usage(`'${id}' is not a rule id`, 'see `gflow notify list`');
  const { deliveries } = await client.request<NotifyTestResponse>('POST', ROUTES.notifyTest, body);
  process.stdout.write(`Sending ${deliveries.length} test notification(s): ${deliveries.map((d) => d.id).join(', ')}\n`);
  if (f.wait === false) return;
  const ids = deliveries.map((d) => d.id).join(',');
  const deadline = Date.now() + 60_000;
  let last: DeliveryView[] = deliveries;
  // The daemon sends in the background; its answer is polled until each was tried once.
  while (Date.now() < deadline) {
    last = (await client.request<NotifyListResponse>('GET', `${ROUTES.notify}?deliveries=${ids}`)).deliveries;
    if (last.every((d) => d.state !== 'pending' || d.lastError !== null)) break;
    await sleep(200);
  }
  let failed = 0;
  for (const d of last) {
    const outcome = d.state === 'delivered' ? 'delivered' : d.lastError ? `not delivered: ${d.lastError}${d.state === 'pending' ? ' (retried later)' : ''}` : 'still being sent';
    if (d.state !== 'delivered') failed++;
    process.stdout.write(`  ${d.id} ${d.channel} ${d.target}: ${outcome}\n`);
  }
  if (failed > 0) process.exitCode = 1;
}
