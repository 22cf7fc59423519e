// What protects the dashboard in the browser: its security headers, the session cookie, and the
// checks that keep other sites (and DNS-rebound host names) from using a logged-in browser.
import type http from 'node:http';
import { GflowError } from '../protocol/errors.js';
import { sessionCookieName, UI_HEADER } from '../protocol/web.js';

/** No inline script or style, nothing from elsewhere, never in a frame. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** The session cookie's value on this request (the daemon's port names the cookie), if any. */
export function sessionCookie(req: http.IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = sessionCookieName(req.socket.localPort ?? 0);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a new session (maxAgeSec 0: removes it). HttpOnly: the page's script never sees it. */
export function sessionCookieHeader(req: http.IncomingMessage, value: string, maxAgeSec: number): string {
  return `${sessionCookieName(req.socket.localPort ?? 0)}=${value}; Max-Age=${maxAgeSec}; Path=/; HttpOnly; SameSite=Strict`;
}

function refused(message: string): GflowError {
  return new GflowError('forbidden', message, 'open the dashboard with the link `gflow ui` prints');
}

/**
 * A request that uses the browser's session must come from the dashboard itself: addressed to
 * this daemon by its own address (a DNS-rebound name is refused), not sent by another site, and —
 * when it changes anything — sent by the page's script (with UI_HEADER, which a cross-site form
 * cannot add and a cross-site script may not without a CORS permission that is never given).
 */
export function assertFromDashboard(req: http.IncomingMessage): void {
  const port = req.socket.localPort ?? 0;
  const host = req.headers.host ?? '';
  const own = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!own.includes(host)) throw refused(`the dashboard answers on http://127.0.0.1:${port} only, not on ${host.slice(0, 100) || 'a request without a Host'}`);
  const site = req.headers['sec-fetch-site'];
  const safe = req.method === 'GET' || req.method === 'HEAD';
  // `none`: the user opened the address themselves (a bookmark, the address bar).
  if (site !== undefined && site !== 'same-origin' && !(safe && site === 'none')) throw refused('a request from another site was refused');
  if (safe) return;
  const origin = req.headers.origin;
  if (origin === undefined || !own.some((h) => origin === `http://${h}`)) throw refused(`a request from ${origin ? origin.slice(0, 100) : 'an unknown origin'} was refused`);
  if (req.headers[UI_HEADER] !== '1') throw refused(`a request without the ${UI_HEADER} header was refused`);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A request without the dashboard's session that a web page made (it names an origin or a site)
 * is refused: otherwise any site open in a user's browser could act as that user on a shared
 * daemon, which knows callers by their UID alone. And a shared daemon answers only to its own
 * address, so that a DNS-rebound host name cannot reach it through a browser either.
 */
export function assertNotFromWebPage(req: http.IncomingMessage, mode: 'personal' | 'shared'): void {
  const site = req.headers['sec-fetch-site'];
  if (req.headers.origin !== undefined || (site !== undefined && site !== 'none')) {
    throw new GflowError('forbidden', 'requests from web pages need the dashboard\'s login', 'open the dashboard with the link `gflow ui` prints');
  }
  const host = req.headers.host;
  if (mode === 'shared' && host !== undefined && !LOOPBACK_NAMES.has(host.replace(/:\d+$/, ''))) {
    throw new GflowError('forbidden', `gflowd answers on 127.0.0.1 only, not on ${host.slice(0, 100)}`, 'use http://127.0.0.1:<port>');
  }
}
