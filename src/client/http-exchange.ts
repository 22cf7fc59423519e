// One HTTP/1.1 request and its answer over node:net, for the CLI's calls to gflowd. Every
// command makes one or a few such calls, and loading and warming up node:http for the first
// one cost ~4.5 ms of the ~30 ms a command adds to Node's own start (measured on a 2-core
// machine: a first GET through node:http 11.5 ms, through this 7 ms). The event stream, which
// reads a long answer as it comes, still uses node:http (src/client/event-stream.ts).
//
// One request per connection (`connection: close`). The answer is read to its content-length,
// or to the end of the connection; a chunked answer (which gflowd does not send, but another
// program on the port may) is decoded. Socket errors keep their code (ECONNREFUSED, ...).
import net from 'node:net';

export interface Exchange {
  host: string;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface Answer {
  status: number;
  /** lower-case names */
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_HEAD = 64 * 1024;

const fault = (message: string, code: string): Error => Object.assign(new Error(message), { code });

export function exchange(x: Exchange): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: x.host, port: x.port });
    const headers = { host: `${x.host}:${x.port}`, connection: 'close', ...x.headers, ...(x.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(x.body)) }) };
    let head = `${x.method} ${x.path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    socket.setNoDelay(true);
    socket.setTimeout(x.timeoutMs, () => socket.destroy(fault('request timed out', 'ETIMEDOUT')));
    socket.write(`${head}\r\n${x.body ?? ''}`);

    let buffer: Buffer = Buffer.alloc(0);
    let answer: { status: number; headers: Record<string, string>; bodyAt: number; length: number | undefined; chunked: boolean } | undefined;
    let settled = false;
    const finish = (err: Error | undefined, done?: Answer): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(done!);
    };
    const complete = (ended: boolean): void => {
      if (!answer) return;
      const body = buffer.subarray(answer.bodyAt);
      if (answer.chunked) {
        const decoded = dechunk(body);
        if (decoded) return finish(undefined, { status: answer.status, headers: answer.headers, body: decoded });
      } else if (answer.length !== undefined ? body.length >= answer.length : ended) {
        return finish(undefined, { status: answer.status, headers: answer.headers, body: answer.length === undefined ? body : body.subarray(0, answer.length) });
      }
      if (ended) finish(fault('the answer was cut off', 'ECONNRESET'));
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      if (!answer) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffer.length > MAX_HEAD) finish(fault('the answer has no end of headers', 'EPROTO'));
          return;
        }
        answer = parseHead(buffer.subarray(0, end).toString('latin1'), end + 4);
        if (!answer) return finish(fault('the answer is not HTTP', 'EPROTO'));
      }
      complete(false);
    });
    socket.on('end', () => (answer ? complete(true) : finish(fault('the connection closed before an answer', 'ECONNRESET'))));
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(fault('the connection closed before an answer', 'ECONNRESET')));
  });
}

function parseHead(text: string, bodyAt: number): { status: number; headers: Record<string, string>; bodyAt: number; length: number | undefined; chunked: boolean } | undefined {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const chunked = /\bchunked\b/i.test(headers['transfer-encoding'] ?? '');
  const length = !chunked && headers['content-length'] !== undefined && /^\d+$/.test(headers['content-length']) ? Number(headers['content-length']) : undefined;
  return { status: Number(status[1]), headers, bodyAt, length, chunked };
}

/** The body of a complete chunked answer, or undefined while chunks are missing. */
function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return Buffer.alloc(0);
    if (size === 0) return Buffer.concat(parts);
    if (raw.length < eol + 2 + size + 2) return undefined;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
