// The daemon's HTTP API: routing, authentication, idempotency and error answers.
// A bad request gets a 4xx JSON error; nothing a client sends can crash the daemon.
import http from 'node:http';
import { API_PREFIX, IDEMPOTENCY_HEADER, ROUTES, type DaemonInfo, type ResolveResponse } from '../protocol/api.js';
import { GflowError, toGflowError } from '../protocol/errors.js';
import type { Health } from '../protocol/job.js';
import type { PublicHealth } from '../protocol/health.js';
import { IdempotencyStore } from '../store/idempotency.js';
import type { Answer, Ctx } from './handlers/context.js';
import { allowGpus, ignoreGpuProcess, info } from './handlers/info.js';
import { why } from './handlers/why.js';
import { rotateToken } from './handlers/token.js';
import { listQuotas, removeQuota, setQuota } from './handlers/quotas.js';
import { cancelReservation, createReservation, listReservations } from './handlers/reservations.js';
import { usage } from './handlers/usage.js';
import { stats } from './handlers/stats.js';
import { dryRun } from './handlers/dry-run.js';
import { controlJob } from './handlers/control.js';
import { clean } from './handlers/clean.js';
import { cancel, close, hold, jobActions, redo, release, update } from './handlers/jobs.js';
import { submit, submitBatch } from './handlers/submit.js';
import { rawAnswer, readJson, sendError, sendJson } from './http.js';
import { identify, isOwner, peerName, refusesConnection, type Identity } from './identify.js';
import { socketUid } from '../identity/peer-uid.js';
import { cutForLog, RefusalLog } from './refusals.js';
import { PeerLimits } from './peer-limits.js';
import type { Caller } from '../identity/caller.js';
import { parseId, parseListQuery } from './validate.js';
import type { EventHub } from './events/hub.js';
import { parseEventsQuery, streamEvents } from './events/stream.js';
import { addRule, listNotify, removeRule, testRules } from './handlers/notify.js';
import type { Web } from '../web/web.js';

export interface ServerOptions {
  ctx: Ctx;
  identity: Identity;
  health: () => Health;
  info: () => DaemonInfo;
  events: EventHub;
  /** the web dashboard (src/web/web.ts): asked first */
  web?: Web;
}

const JOB_ACTION = new RegExp(`^${API_PREFIX}/jobs/([^/]+)/(cancel|hold|release|update|redo)$`);
const JOB_CONTROL = new RegExp(`^${API_PREFIX}/jobs/([^/]+)/(signal|send|limit|requeue)$`);
const JOB_WHY = new RegExp(`^${API_PREFIX}/jobs/([^/]+)/why$`);
const JOB_ONE = new RegExp(`^${API_PREFIX}/jobs/([^/]+)$`);
const RESERVATION_CANCEL = new RegExp(`^${API_PREFIX}/reservations/([^/]+)/cancel$`);

export function createApiServer(o: ServerOptions): http.Server {
  const idem = new IdempotencyStore(o.ctx.store.db, o.ctx.store);
  const stopPruning = pruneIdempotency(idem, o.ctx.log);
  const server = http.createServer((req, res) => {
    const api = (): Promise<void> => (isEventStream(req) ? serveEvents(o, req, res) : handle(o, idem, req).then(([status, body]) => sendJson(res, status, body)));
    const answer = o.web ? o.web.handle(req, res).then((served) => (served ? undefined : api())) : api();
    answer.catch((err: unknown) => {
      const e = toGflowError(err);
      const what = `${cutForLog(req.method ?? '?', 20)} ${cutForLog(req.url ?? '')}: ${e.message}`;
      if (e.code === 'internal') o.ctx.log.error(what);
      else if (e.code === 'unauthorized' || e.code === 'forbidden') refusals.note(peerName(req.socket), what);
      sendError(res, e);
    });
  });
  const refusals = new RefusalLog(o.ctx.log);
  server.on('close', () => {
    refusals.close();
    stopPruning();
  });
  // A personal daemon refuses other users' connections before they cost anything; no peer
  // may hold more than its share of connections (src/daemon/peer-limits.ts).
  const limits = new PeerLimits(o.identity.ownerUid);
  server.on('connection', (socket) => {
    const refused = refusesConnection(socket, o.identity) ?? limits.admit(socket);
    if (!refused) return;
    if (refused.code === 'too_many_connections') refusals.note(peerName(socket), refused.message);
    socket.end(rawAnswer(refused.httpStatus, refused.code === 'forbidden' ? 'Forbidden' : 'Too Many Requests', refused.toBody()));
    socket.destroySoon();
  });
  // Slow or stuck clients are cut off instead of holding the daemon's resources.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // Requests Node cannot even parse still get a JSON error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooBig = err.code === 'HPE_HEADER_OVERFLOW';
    const body = { code: tooBig ? 'body_too_large' : 'bad_request', message: tooBig ? 'request headers too large' : `malformed HTTP request (${err.code ?? 'parse error'})` };
    socket.end(rawAnswer(tooBig ? 431 : 400, tooBig ? 'Request Header Fields Too Large' : 'Bad Request', body));
  });
  return server;
}

function isEventStream(req: http.IncomingMessage): boolean {
  return req.method === 'GET' && (req.url ?? '').split('?')[0] === ROUTES.events;
}

/** GET /v1/events: an answer that stays open (src/daemon/events/stream.ts). */
async function serveEvents(o: ServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  identify(req, o.identity);
  const url = new URL(req.url ?? '/', 'http://gflowd');
  const lastId = req.headers['last-event-id'];
  await streamEvents(o.ctx.store, o.events, parseEventsQuery(url.searchParams, typeof lastId === 'string' ? lastId : undefined), res);
}

async function handle(o: ServerOptions, idem: IdempotencyStore, req: http.IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://gflowd');
  const method = req.method ?? 'GET';
  if (url.pathname === ROUTES.health) {
    if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
    return [200, healthFor(o, req)];
  }
  const caller = identify(req, o.identity);
  const { ctx } = o;

  if (method === 'GET') {
    if (url.pathname === ROUTES.jobs) {
      const rows = ctx.store.list(parseListQuery(url.searchParams));
      return [200, { jobs: rows.map((r) => ctx.store.toJob(r)) }];
    }
    if (url.pathname === ROUTES.resolve) return resolve(ctx, caller, url.searchParams);
    if (url.pathname === ROUTES.daemon) return [200, o.info()];
    if (url.pathname === ROUTES.info) return info(ctx);
    if (url.pathname === ROUTES.usage) return usage(ctx);
    if (url.pathname === ROUTES.stats) return stats(ctx, caller, url.searchParams, o.identity.mode === 'shared');
    if (url.pathname === ROUTES.quotas) return listQuotas(ctx);
    if (url.pathname === ROUTES.reservations) return listReservations(ctx);
    if (url.pathname === ROUTES.notify) return listNotify(ctx, caller, url.searchParams);
    const whyMatch = JOB_WHY.exec(url.pathname);
    if (whyMatch) return why(ctx, parseId(whyMatch[1]!));
    const one = JOB_ONE.exec(url.pathname);
    if (one) return [200, { job: ctx.store.toJob(ctx.store.require(parseId(one[1]!))) }];
    throw notFound(method, url.pathname);
  }
  if (method !== 'POST') throw methodNotAllowed(method, url.pathname);

  const body = await readJson(req);
  // Read-only, whatever its method: nothing to make durable, nothing to replay.
  if (url.pathname === ROUTES.dryRun) return dryRun(ctx, caller, body);
  if (url.pathname === ROUTES.tokenRotate) return rotateToken(o.identity, ctx.paths.tokenFile, ctx.log);
  // What the API acknowledges is on disk before the answer goes out.
  return ctx.store.durable(() => act(ctx, caller, idem, req, url, method, body));
}

async function act(ctx: Ctx, caller: Caller, idem: IdempotencyStore, req: http.IncomingMessage, url: URL, method: string, body: unknown): Promise<Answer> {
  const key = req.headers[IDEMPOTENCY_HEADER];
  const run = (): Answer | Promise<Answer> => {
    if (url.pathname === ROUTES.jobs) return submit(ctx, caller, body);
    if (url.pathname === ROUTES.batch) return submitBatch(ctx, caller, body);
    if (url.pathname === ROUTES.close) return close(ctx, caller, body);
    if (url.pathname === ROUTES.jobActions) return jobActions(ctx, caller, body);
    if (url.pathname === ROUTES.clean) return clean(ctx, caller, body);
    if (url.pathname === ROUTES.gpuAllow) return allowGpus(ctx, caller, body);
    if (url.pathname === ROUTES.gpuIgnore) return ignoreGpuProcess(ctx, caller, body);
    if (url.pathname === ROUTES.quotas) return setQuota(ctx, caller, body);
    if (url.pathname === ROUTES.quotaRemove) return removeQuota(ctx, caller, body);
    if (url.pathname === ROUTES.reservations) return createReservation(ctx, caller, body);
    if (url.pathname === ROUTES.notifyRules) return addRule(ctx, caller, body);
    if (url.pathname === ROUTES.notifyRemove) return removeRule(ctx, caller, body);
    if (url.pathname === ROUTES.notifyTest) return testRules(ctx, caller, body);
    const reservationCancel = RESERVATION_CANCEL.exec(url.pathname);
    if (reservationCancel) return cancelReservation(ctx, caller, parseId(reservationCancel[1]!));
    const control = JOB_CONTROL.exec(url.pathname);
    if (control) return controlJob(ctx, caller, parseId(control[1]!), control[2]!, body);
    const action = JOB_ACTION.exec(url.pathname);
    if (action) {
      const id = parseId(action[1]!);
      switch (action[2]) {
        case 'cancel':
          return cancel(ctx, caller, id);
        case 'hold':
          return hold(ctx, caller, id);
        case 'release':
          return release(ctx, caller, id, body);
        case 'update':
          return update(ctx, caller, id, body);
        default:
          return redo(ctx, caller, id, body);
      }
    }
    throw notFound(method, url.pathname);
  };
  if (typeof key !== 'string' || key === '') return run();
  if (key.length > 200) throw new GflowError('bad_request', 'idempotency key longer than 200 characters');
  const seen = idem.get(key);
  if (seen) return [seen.status, seen.body];
  // Synchronous handlers record their answer in the transaction that makes their change,
  // so a retry after a crash can never act twice.
  let pending: Promise<Answer> | undefined;
  const answer = ctx.store.atomically((): Answer | undefined => {
    const a = run();
    if (a instanceof Promise) {
      pending = a;
      return undefined;
    }
    idem.put(key, a[0], a[1], Date.now());
    return a;
  });
  if (answer) return answer;
  const late = await pending!;
  idem.put(key, late[0], late[1], Date.now());
  return late;
}

// Retried requests come within seconds; answers older than a day are dropped at start and
// then hourly, so the table does not grow with every request ever made.
function pruneIdempotency(idem: IdempotencyStore, log: Ctx['log']): () => void {
  const prune = (): void => {
    try {
      const n = idem.prune(Date.now());
      if (n > 0) log.info(`forgot ${n} idempotency record${n === 1 ? '' : 's'} older than a day`);
    } catch (err) {
      // A busy or failing database must not stop the daemon; the next round tries again.
      log.warn(`pruning idempotency records failed: ${(err as Error).message}`);
    }
  };
  prune();
  const timer = setInterval(prune, 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}

// `@` is the caller's own last submission; an admin may ask for another user's.
function resolve(ctx: Ctx, caller: Caller, params: URLSearchParams): Answer {
  const user = caller.admin ? (params.get('user') ?? caller.user) : caller.user;
  const back = Number(params.get('back') ?? '1');
  if (!Number.isSafeInteger(back) || back < 1) throw new GflowError('bad_request', 'back must be a positive whole number');
  const jobs = ctx.store.latestSubmission(user, back);
  if (jobs.length === 0) throw new GflowError('not_found', back === 1 ? `${user} has no jobs yet` : `${user} has fewer than ${back} submissions`, 'submit one with `gflow submit -- <command>`');
  const answer: ResolveResponse = { job: ctx.store.toJob(jobs.at(-1)!), jobs: jobs.map((j) => ctx.store.toJob(j)) };
  return [200, answer];
}

// `/health` needs no token (a health check has none). The daemon's owner gets all of it. Any
// other user of a shared daemon gets what their `gflowd status` shows — pid, version and start
// time, which `ps` tells every local user anyway — but not the scheduling state; a peer the
// kernel cannot name (and without the token) learns only that a gflowd of this protocol answers.
function healthFor(o: ServerOptions, req: http.IncomingMessage): Health | PublicHealth {
  const h = o.health();
  if (isOwner(req, o.identity)) return h;
  if (o.identity.mode === 'shared' && socketUid(req.socket) !== undefined) {
    const { scheduling: _hidden, ...rest } = h;
    return rest;
  }
  return { status: 'ok', protocol: h.protocol, mode: h.mode };
}

function notFound(method: string, path: string): GflowError {
  return new GflowError('not_found', `no route ${method} ${path}`, 'check that gflow and gflowd are the same version (`gflowd status`)');
}

function methodNotAllowed(method: string, path: string): GflowError {
  return new GflowError('not_found', `method ${method} is not supported on ${path}`);
}
