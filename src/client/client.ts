// The CLI's HTTP client: sends the token, retries what a reload can cause (a reset or
// refused connection) with a short backoff, and marks state-changing requests with an
// idempotency key so that a retry never acts twice.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Paths } from '../config/paths.js';
import { resolveSettings } from '../config/settings.js';
import { readToken } from '../config/token.js';
import { IDEMPOTENCY_HEADER, PROTOCOL_HEADER } from '../protocol/api.js';
import { GflowError, isErrorBody } from '../protocol/errors.js';
import { DEFAULT_HOST, PROTOCOL_VERSION } from '../protocol/version.js';
import { exchange } from './http-exchange.js';
import { checkListener, locateDaemon } from './locate.js';

// A random UUID from the kernel: node:crypto would cost every command ~2.5 ms to load.
const randomUuid = (): string => fs.readFileSync('/proc/sys/kernel/random/uuid', 'latin1').trim();

const RETRY_DELAYS_MS = [20, 50, 100, 200, 400, 800];
const RETRYABLE = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

export interface RawResponse {
  status: number;
  body: unknown;
  /** lower-case names */
  headers: Record<string, string>;
}

export function notRunning(port: number): GflowError {
  return new GflowError('daemon_not_running', `gflowd is not running on port ${port} — start it with \`gflowd up\``);
}

/** One HTTP request without retries; rejects with the socket error. */
export async function rawRequest(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<RawResponse> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const answer = await exchange({ host: DEFAULT_HOST, port, method, path, headers: text === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: text, timeoutMs });
  const raw = answer.body.toString('utf8');
  let parsed: unknown = raw;
  try {
    parsed = raw ? JSON.parse(raw) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: answer.status, body: parsed, headers: answer.headers };
}

export class Client {
  readonly paths: Paths;
  readonly port: number;
  private token: string | undefined;
  private checked = false;

  private readonly anyProtocol: boolean;
  private readonly timeoutMs: number | undefined;

  /**
   * anyProtocol: talk to a daemon of another protocol version too (gflowd reload and restart
   * read the old daemon's options: that is how an upgrade is rolled out).
   */
  constructor(opts: { port?: number; paths?: Paths; anyProtocol?: boolean; timeoutMs?: number } = {}) {
    const target = opts.paths ? { paths: opts.paths, port: opts.port ?? resolveSettings(opts.paths).port } : locateDaemon();
    this.paths = target.paths;
    this.port = opts.port ?? target.port;
    this.anyProtocol = opts.anyProtocol ?? false;
    this.timeoutMs = opts.timeoutMs;
  }

  /** The listener checked once, and who we are: a shared daemon knows its callers from the kernel, a personal one wants its token. */
  authHeaders(): Record<string, string> {
    if (!this.checked) {
      checkListener({ paths: this.paths, port: this.port });
      this.checked = true;
    }
    return this.paths.mode === 'personal' ? { authorization: `Bearer ${(this.token ??= readToken(this.paths.tokenFile))}` } : {};
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers = this.authHeaders();
    if (method === 'POST') headers[IDEMPOTENCY_HEADER] = randomUuid();
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse;
      try {
        res = await rawRequest(this.port, method, path, body, headers, this.timeoutMs);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        const delay = RETRY_DELAYS_MS[attempt];
        if (RETRYABLE.has(code) && delay !== undefined) {
          await sleep(delay);
          continue;
        }
        if (code === 'ECONNREFUSED') throw notRunning(this.port);
        throw new GflowError('daemon_unhealthy', `cannot reach gflowd on port ${this.port}: ${(err as Error).message}`, 'check it with `gflowd status`');
      }
      if (!this.anyProtocol) checkProtocol(res, this.port);
      if (res.status >= 200 && res.status < 300) return res.body as T;
      if (isErrorBody(res.body)) throw GflowError.fromBody(res.body);
      throw new GflowError('daemon_unhealthy', `unexpected answer ${res.status} from port ${this.port}`, 'another program may be using the port; check `gflowd status`');
    }
  }
}

/**
 * The daemon says its protocol version on every answer, errors included. No header from
 * something that answers like gflowd (JSON, or a gflow error body) is a daemon older than
 * the header; anything else is left to the caller (another program on the port).
 */
export function checkProtocol(res: RawResponse, port: number): void {
  const text = res.headers[PROTOCOL_HEADER];
  const likeGflowd = isErrorBody(res.body) || (res.status >= 200 && res.status < 300 && typeof res.body === 'object');
  if (text === undefined && !likeGflowd) return;
  const theirs = text === undefined ? undefined : Number(text);
  if (theirs === PROTOCOL_VERSION) return;
  const older = theirs === undefined || !(theirs > PROTOCOL_VERSION);
  throw new GflowError(
    'protocol_mismatch',
    `gflowd on port ${port} speaks protocol ${theirs ?? 'from before version headers'} and this gflow speaks ${PROTOCOL_VERSION}`,
    older ? 'the daemon is older than this gflow (an upgrade was installed): run `gflowd reload` to start the installed version' : 'this gflow is older than the daemon: upgrade it (the same install as the daemon, e.g. `npm link` in its checkout)',
  );
}
