// The dashboard's side of the daemon: its files at /ui, its login, the log of a job as bytes,
// the jobs around a job, and the samples behind its charts. The daemon's API server asks it
// first (src/daemon/server.ts); what it does not serve goes on to the API's routes.
import type http from 'node:http';
import type { Caller } from '../identity/caller.js';
import { userById } from '../identity/users.js';
import { API_PREFIX, PROTOCOL_HEADER, ROUTES } from '../protocol/api.js';
import { GflowError } from '../protocol/errors.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { LOGIN_CODE_TTL_MS, LOGIN_FRAGMENT, SESSION_TTL_MS, type LoginCodeResponse, type RelatedResponse, type SamplesResponse, type UiWho } from '../protocol/web.js';
import { JobLinks } from '../store/job-links.js';
import { SampleStore } from '../store/samples.js';
import type { WebHost } from './host.js';
import { serveLog } from './log-route.js';
import { startSampler, SAMPLE_INTERVAL_MS } from './sampler.js';
import { assertFromDashboard, SECURITY_HEADERS, sessionCookieHeader } from './security.js';
import { WebSessions } from './sessions.js';
import { StaticFiles } from './static.js';
import { OpenStreams } from './streams.js';

const JOB_LOG = new RegExp(`^${API_PREFIX}/jobs/([^/]+)/log$`);
const JOB_RELATED = new RegExp(`^${API_PREFIX}/jobs/([^/]+)/related$`);
const DAY_MS = 24 * 3600_000;
/** PATH of a login shell on Debian and most Linux distributions */
const LOGIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class Web {
  readonly sessions: WebSessions;
  private readonly samples: SampleStore;
  private readonly links: JobLinks;
  private readonly files = new StaticFiles();
  private readonly streams = new OpenStreams();
  private readonly stops: (() => void)[] = [];

  constructor(private readonly ctx: WebHost) {
    this.sessions = new WebSessions(ctx.store.db);
    this.samples = new SampleStore(ctx.store.db);
    this.links = new JobLinks(ctx.store.db);
  }

  /** Starts the minute samples and the hourly pruning of expired sessions. */
  start(leads: () => boolean): void {
    this.stops.push(startSampler({ samples: this.samples, store: this.ctx.store, gpus: this.ctx.gpus, log: this.ctx.log, leads }));
    const prune = (): void => {
      try {
        this.sessions.store.prune(Date.now());
      } catch (err) {
        this.ctx.log.warn(`pruning dashboard sessions failed: ${(err as Error).message}`);
      }
    };
    prune();
    const timer = setInterval(prune, 3600_000);
    timer.unref();
    this.stops.push(() => clearInterval(timer));
  }

  /** Ends open answers (followed logs) and timers: the daemon is stopping. */
  close(): void {
    this.streams.endAll();
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Serves the request if it is the dashboard's; false otherwise. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://gflowd');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' || method === 'HEAD') {
      if (this.files.serve(req, res, path)) return true;
    }
    if (path === ROUTES.uiSession && method === 'POST') {
      // The login code is the credential here (good on its owner's connection only): nothing
      // else is known of the browser yet.
      assertFromDashboard(req);
      const body = (await this.ctx.readJson(req, 4096)) as { code?: unknown };
      if (typeof body.code !== 'string' || body.code.length > 100) throw new GflowError('bad_request', 'give the login code', 'open the link `gflow ui` prints');
      const { secret, caller } = this.sessions.redeem(req, body.code);
      this.ctx.log.info(`dashboard: ${caller.user} logged in a browser`);
      json(res, 200, this.who(caller), { 'set-cookie': sessionCookieHeader(req, secret, SESSION_TTL_MS / 1000) });
      return true;
    }
    if (path === ROUTES.uiLogout && method === 'POST') {
      assertFromDashboard(req);
      this.sessions.logout(req);
      json(res, 200, {}, { 'set-cookie': sessionCookieHeader(req, '', 0) });
      return true;
    }
    const ours = path === ROUTES.uiSession || path === ROUTES.uiLoginCode || path === ROUTES.samples || JOB_LOG.test(path) || JOB_RELATED.test(path);
    if (!ours) return false;
    const caller = this.ctx.identify(req);
    if (path === ROUTES.uiLoginCode && method === 'POST') {
      const code = this.sessions.loginCode(caller);
      const answer: LoginCodeResponse = { code, expiresAt: new Date(Date.now() + LOGIN_CODE_TTL_MS).toISOString(), path: `${ROUTES.ui}/#${LOGIN_FRAGMENT}=${code}` };
      json(res, 200, answer);
      return true;
    }
    if (method !== 'GET') throw new GflowError('not_found', `method ${method} is not supported on ${path}`);
    if (path === ROUTES.uiSession) {
      json(res, 200, this.who(caller));
      return true;
    }
    if (path === ROUTES.samples) {
      const since = Number(url.searchParams.get('since') ?? 0);
      const answer: SamplesResponse = { samples: this.samples.since(Math.max(Number.isFinite(since) ? since : 0, Date.now() - DAY_MS)), intervalMs: SAMPLE_INTERVAL_MS };
      json(res, 200, answer);
      return true;
    }
    const log = JOB_LOG.exec(path);
    if (log) {
      await serveLog(this.ctx, caller, this.ctx.parseId(log[1]!), url.searchParams, res, this.streams);
      return true;
    }
    const id = this.ctx.parseId(JOB_RELATED.exec(path)![1]!);
    const job = this.ctx.store.require(id);
    const family = new Set([job.retriedFrom, job.redoneFrom].filter((x): x is number => x !== null));
    const answer: RelatedResponse = {
      job: this.ctx.store.toJob(job),
      dependsOn: this.links.brief(job.dependsOn),
      dependents: this.links.dependentsOf(id),
      family: [...this.links.brief([...family]), ...this.links.successorsOf(id)],
    };
    json(res, 200, answer);
    return true;
  }

  private who(caller: Caller): UiWho {
    const account = userById(caller.uid);
    const home = account?.home ?? '/';
    return {
      user: caller.user,
      admin: caller.admin,
      mode: this.ctx.paths.mode,
      loginEnv: { HOME: home, USER: caller.user, LOGNAME: caller.user, SHELL: account?.shell ?? '/bin/sh', PATH: LOGIN_PATH, LANG: 'C.UTF-8' },
    };
  }
}

function json(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), ...extra });
  res.end(text);
}
