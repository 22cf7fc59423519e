// Raw HTTP requests to the daemon with any headers (Host, Origin, Cookie), as a browser or an
// attacker would send them; sendAs makes them from a given local user's process.
import http from 'node:http';
import type { Sandbox, TestUser } from '../helpers/sandbox.js';

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

/**
 * The same request made by a process of a local user, so that the kernel names that user's UID
 * on the connection. The request goes in on stdin: a code or cookie on a command line would be
 * public to every user (and spoil the tests that scrape /proc for them).
 */
export async function sendAs(sb: Sandbox, u: TestUser, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  const script = `
    const http = require('node:http');
    let input = '';
    process.stdin.on('data', (c) => (input += c)).on('end', () => {
      const { port, method, path, headers, body } = JSON.parse(input);
      const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })));
      });
      req.end(body);
    });`;
  const all = { host: `127.0.0.1:${sb.port}`, ...headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) };
  const r = await sb.as(u, ['-e', script], { program: process.execPath, input: JSON.stringify({ port: sb.port, method, path, headers: all, body }) });
  if (r.code !== 0) throw new Error(`request as ${u.name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as RawAnswer;
}
