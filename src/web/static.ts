// Serves the dashboard's files (built by `npm run build` into dist/ui, shipped in the package)
// at /ui/. Built names carry a content hash: those are cached for good; index.html is checked
// every time, so a new version is picked up at the next load.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { ROUTES } from '../protocol/api.js';
import { SECURITY_HEADERS } from './security.js';
import { packagePath } from '../version.js';

export const UI_DIR = packagePath('dist/ui/');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

interface File {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

export class StaticFiles {
  private readonly files = new Map<string, File | null>();

  constructor(private readonly dir = UI_DIR) {}

  /** Answers GET /ui and /ui/…; false for other paths. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    if (pathname !== ROUTES.ui && !pathname.startsWith(`${ROUTES.ui}/`)) return false;
    if (pathname === ROUTES.ui) {
      res.writeHead(308, { ...SECURITY_HEADERS, location: `${ROUTES.ui}/` });
      res.end();
      return true;
    }
    const name = pathname.slice(ROUTES.ui.length + 1) || 'index.html';
    const file = SAFE_NAME.test(name) ? this.load(name) : null;
    if (!file) {
      const missing = !fs.existsSync(path.join(this.dir, 'index.html'));
      res.writeHead(missing ? 503 : 404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end(missing ? 'The dashboard is not built: run `npm run build` in the gflow checkout, then `gflowd reload`.\n' : 'Not found\n');
      return true;
    }
    const headers = { ...SECURITY_HEADERS, 'content-type': file.type, etag: file.etag, 'cache-control': file.cache };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  }

  private load(name: string): File | null {
    if (this.files.has(name)) return this.files.get(name)!;
    let file: File | null = null;
    try {
      const body = fs.readFileSync(path.join(this.dir, name));
      file = {
        body,
        type: TYPES[path.extname(name)] ?? 'application/octet-stream',
        etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        cache: HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache',
      };
    } catch {
      // missing: answered 404 (and looked for again next time: a build may be under way)
      return null;
    }
    this.files.set(name, file);
    return file;
  }
}
