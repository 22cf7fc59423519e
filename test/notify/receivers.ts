// Real receivers for notification tests: an HTTP server and an SMTP server (smtp-server), both
// on 127.0.0.1, that record what arrives and answer as the test says. Waiting is on arrivals
// (a promise resolved by the server), not on a clock.
import http from 'node:http';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { peerUid } from '../../src/identity/peer-uid.js';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** how the receiver answered: 200, 500, or held (never answered) */
  answer: 'ok' | 'fail' | 'held';
  /** the path the request was sent to */
  path: string;
  /** the UID owning the sender's socket, as the kernel says (who sent it) */
  uid: number | undefined;
}

type Waiter = { n: number; resolve: () => void };

class Arrivals<T> {
  readonly items: T[] = [];
  private waiters: Waiter[] = [];
  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => (this.items.length >= w.n ? (w.resolve(), false) : true));
  }
  /** Resolves once `n` items arrived (rejects after `timeoutMs`, a safety net). */
  wait(n: number, timeoutMs = 30_000, what = 'arrivals'): Promise<T[]> {
    if (this.items.length >= n) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: ${this.items.length} of ${n} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(this.items)) });
    });
  }
}

export class HttpReceiver {
  readonly arrivals = new Arrivals<Received>();
  /** decides each answer, by arrival number (0-based) */
  answer: (i: number) => 'ok' | 'fail' | 'held' = () => 'ok';
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<HttpReceiver> {
    let self: HttpReceiver | undefined;
    const server = http.createServer((req, res) => {
      const s = req.socket;
      const uid = peerUid(s.remoteAddress ?? '', s.remotePort ?? 0, s.localAddress ?? '', s.localPort ?? 0);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = self!.answer(self!.arrivals.items.length);
        self!.arrivals.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answer, path: req.url ?? '', uid });
        if (answer === 'ok') res.end('ok');
        else if (answer === 'fail') {
          res.statusCode = 500;
          res.end('not now');
        }
        // held: no answer until the socket is destroyed
      });
    });
    server.on('connection', (s) => {
      self?.sockets.add(s);
      s.on('close', () => self?.sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    self = new HttpReceiver(server, (server.address() as net.AddressInfo).port);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  auth?: { user: string; pass: string };
}

export class SmtpReceiver {
  readonly arrivals = new Arrivals<Mail>();
  private lastAuth?: { user: string; pass: string };
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpReceiver> {
    let self: SmtpReceiver | undefined;
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on the loopback: no certificate to trust.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, cb) {
        self!.lastAuth = { user: auth.username ?? '', pass: auth.password ?? '' };
        cb(null, { user: auth.username });
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          self!.arrivals.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), auth: self!.lastAuth });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    self = new SmtpReceiver(server, (server.server.address() as net.AddressInfo).port);
    return self;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A quoted-printable body made readable (soft breaks joined, =XX decoded). */
export function decodeQuotedPrintable(text: string): string {
  return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}
