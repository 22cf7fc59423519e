// `gflow notify add|remove|list|test`: standing rules, each its owner's; an owner sees and
// changes only their own rules and deliveries (an admin sees all, and may make a rule for
// every user's jobs). Header values are stored but never sent back.
import { DEFAULT_NOTIFY_EVENTS, EMAIL_ADDRESS, isNotifyEvent, type NotifyEvent } from '../../core/notify-on.js';
import type { Caller } from '../../identity/caller.js';
import { GflowError } from '../../protocol/errors.js';
import { NOTIFY_CHANNELS, type DeliveryView, type NotifyChannel, type NotifyListResponse, type NotifyRuleRequest, type NotifyRuleView, type Notification } from '../../protocol/notify.js';
import type { NotifyRule } from '../../store/notify-rules.js';
import type { Delivery } from '../../store/outbox.js';
import { enqueueTest } from '../../notify/outbox-writer.js';
import { maskTarget } from '../../notify/mask.js';
import type { Answer, Ctx } from './context.js';

const MAX_RULES_PER_USER = 50;
const LIST_LIMIT = 200;
// Set by gflow itself on every webhook; a rule cannot replace them.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'x-gflow-delivery', 'x-gflow-event', 'idempotency-key', 'user-agent']);

function bad(message: string, hint?: string): GflowError {
  return new GflowError('bad_request', message, hint);
}

export function validateRule(body: unknown, caller: Caller): NotifyRuleRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad("invalid field 'body': expected a JSON object");
  const b = body as Record<string, unknown>;
  if (!(NOTIFY_CHANNELS as readonly unknown[]).includes(b.channel)) throw bad(`invalid field 'channel': expected one of ${NOTIFY_CHANNELS.join(', ')}`);
  const channel = b.channel as NotifyChannel;
  if (typeof b.target !== 'string' || b.target.trim() === '' || b.target.length > 4096 || b.target.includes('\0')) throw bad("invalid field 'target': expected a URL, command or address");
  const target = b.target.trim();
  if (channel === 'webhook') {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw bad(`'${target.slice(0, 100)}' is not an http(s) URL`, 'give the full URL, e.g. https://ntfy.sh/my-topic');
  }
  if (channel === 'email' && !EMAIL_ADDRESS.test(target)) throw bad(`'${target.slice(0, 100)}' is not an e-mail address`, 'e.g. alice@example.com');
  const out: NotifyRuleRequest = { channel, target };
  if (b.events !== undefined) {
    if (!Array.isArray(b.events) || b.events.length === 0 || !b.events.every((e) => typeof e === 'string' && isNotifyEvent(e))) throw bad("invalid field 'events': expected start, end, fail, timeout, cancel");
    out.events = [...new Set(b.events as NotifyEvent[])];
  }
  if (b.headers !== undefined) {
    if (channel !== 'webhook') throw bad('headers apply to a webhook only');
    if (typeof b.headers !== 'object' || b.headers === null || Array.isArray(b.headers) || Object.keys(b.headers).length > 20) throw bad("invalid field 'headers': expected at most 20 headers");
    out.headers = {};
    for (const [k, v] of Object.entries(b.headers)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/.test(k)) throw bad(`invalid header name '${k.slice(0, 100)}'`, 'give --header Name:value');
      if (RESERVED_HEADERS.has(k.toLowerCase())) throw bad(`header ${k} is set by gflow`, 'give another header');
      if (typeof v !== 'string' || v.length > 4096 || /[\r\n\0]/.test(v)) throw bad(`invalid value of header ${k}`, 'a value is one line of at most 4096 characters');
      out.headers[k] = v;
    }
  }
  if (b.allUsers !== undefined) {
    if (typeof b.allUsers !== 'boolean') throw bad("invalid field 'allUsers': expected true or false");
    if (b.allUsers && !caller.admin) throw new GflowError('forbidden', "only root can be told of every user's jobs", 'leave out --all-users: your rules see your own jobs');
    out.allUsers = b.allUsers;
  }
  return out;
}

export function ruleView(r: NotifyRule): NotifyRuleView {
  return { id: r.id, user: r.user, channel: r.channel, target: maskTarget(r.channel, r.target), events: r.events, headers: Object.keys(r.headers), allUsers: r.allUsers, createdAt: new Date(r.createdAt).toISOString() };
}

export function deliveryView(d: Delivery): DeliveryView {
  const n = JSON.parse(d.payload) as Notification;
  return {
    id: d.id,
    key: d.key,
    ruleId: d.ruleId,
    jobId: d.jobId,
    user: d.user,
    channel: d.channel,
    target: maskTarget(d.channel, d.target),
    event: n.notify,
    state: d.state,
    attempts: d.attempts,
    nextAt: d.state === 'pending' ? new Date(d.nextAt).toISOString() : null,
    lastError: d.lastError,
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

export function addRule(ctx: Ctx, caller: Caller, body: unknown): Answer {
  const req = validateRule(body, caller);
  const rule = ctx.store.atomically(() => {
    if (ctx.notify.rules.list(caller.uid).length >= MAX_RULES_PER_USER) throw new GflowError('conflict', `you have ${MAX_RULES_PER_USER} rules already`, 'remove one with `gflow notify remove ID`');
    return ctx.notify.rules.add({ uid: caller.uid, user: caller.user, channel: req.channel, target: req.target, events: req.events ?? [...DEFAULT_NOTIFY_EVENTS], headers: req.headers ?? {}, allUsers: req.allUsers ?? false, createdAt: Date.now() });
  });
  ctx.log.event(`notify rule ${rule.id} added by ${caller.user}: ${rule.channel} ${maskTarget(rule.channel, rule.target)} on ${rule.events.join(',')}${rule.allUsers ? ' (every user)' : ''}`);
  return [201, { rule: ruleView(rule) }];
}

function ownRule(ctx: Ctx, caller: Caller, id: unknown): NotifyRule {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw bad("invalid field 'id': expected a rule id");
  const rule = ctx.notify.rules.get(id);
  // Another user's rule is not said to exist.
  if (!rule || (rule.uid !== caller.uid && !caller.admin)) throw new GflowError('not_found', `notify rule ${id} does not exist`, 'see `gflow notify list`');
  return rule;
}

export function removeRule(ctx: Ctx, caller: Caller, body: unknown): Answer {
  const id = (body as { id?: unknown } | null)?.id;
  ctx.store.atomically(() => ctx.notify.rules.remove(ownRule(ctx, caller, id).id));
  ctx.log.event(`notify rule ${String(id)} removed by ${caller.user}`);
  return [200, { removed: id }];
}

export function listNotify(ctx: Ctx, caller: Caller, params: URLSearchParams): Answer {
  const uid = caller.admin ? null : caller.uid;
  const ids = params.get('deliveries');
  if (ids) {
    const wanted = ids.split(',').map(Number).filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 100);
    const found = wanted.map((id) => ctx.notify.outbox.get(id)).filter((d): d is Delivery => d !== undefined && (uid === null || d.uid === uid));
    return [200, { rules: [], deliveries: found.map(deliveryView) } satisfies NotifyListResponse];
  }
  const answer: NotifyListResponse = { rules: ctx.notify.rules.list(uid).map(ruleView), deliveries: ctx.notify.outbox.unfinished(uid, LIST_LIMIT).map(deliveryView) };
  return [200, answer];
}

export function testRules(ctx: Ctx, caller: Caller, body: unknown): Answer {
  const id = (body as { rule?: unknown } | null)?.rule;
  const ids = ctx.store.atomically(() => {
    const rules = id === undefined || id === null ? ctx.notify.rules.list(caller.uid) : [ownRule(ctx, caller, id)];
    if (rules.length === 0) throw new GflowError('not_found', 'you have no notify rules', 'add one: gflow notify add webhook URL | command CMD | email ADDR');
    return enqueueTest(ctx.notify.outbox, rules, Date.now());
  });
  ctx.notify.sender.kick();
  return [202, { deliveries: ids.map((i) => deliveryView(ctx.notify.outbox.get(i)!)) }];
}
