// Raw HTTP requests to the daemon with any headers (Host, Origin, Cookie), as a browser or an
// attacker would send them.
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What the page sends: its own origin, and the dashboard's header on a POST. */
export function fromPage(port: number, cookie: string, method: 'GET' | 'POST'): Record<string, string> {
  return { cookie, 'sec-fetch-site': 'same-origin', ...(method === 'POST' ? { origin: `http://127.0.0.1:${port}`, 'x-gflow-ui': '1' } : {}) };
}
