// Small HTTP helpers: bounded JSON bodies, JSON answers, bearer-token checks.
import crypto from 'node:crypto';
import type http from 'node:http';
import { PROTOCOL_HEADER } from '../protocol/api.js';
import { GflowError } from '../protocol/errors.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readJson(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GflowError('bad_json', 'request body is not valid JSON', 'send a JSON object');
  }
}

function tooLarge(limit: number): GflowError {
  return new GflowError('body_too_large', `request body larger than ${limit} bytes`, 'send less data in one request');
}

// Every answer names the protocol it speaks, so that a client can tell a daemon of another
// version on every request, without asking first.

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  // Encoded once: measuring the string and then writing it encoded a 6 MB answer twice.
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
  res.end(bytes);
}

export function sendError(res: http.ServerResponse, err: GflowError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.httpStatus, err.toBody());
}

export function checkToken(req: http.IncomingMessage, token: string): void {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer (\S+)$/.exec(header);
  const given = Buffer.from(m?.[1] ?? '');
  const want = Buffer.from(token);
  if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) {
    throw new GflowError('unauthorized', m ? 'wrong API token' : 'missing API token', 'use the gflow CLI as the user who runs gflowd (it sends the token from ~/.config/gflow/token)');
  }
}

/** A whole HTTP answer as raw bytes, for sockets Node's HTTP layer does not handle. */
export function rawAnswer(status: number, statusText: string, body: unknown): string {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${statusText}\r\ncontent-type: application/json\r\n${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}
