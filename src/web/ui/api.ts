// Talks to the daemon from the page: the session cookie goes along by itself; requests that
// change something carry the dashboard's header. Errors come back as the daemon's
// { code, message, hint }.
import { UI_HEADER } from '../../protocol/web.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Called when the daemon says the browser is not (or no longer) logged in. */
let onLoggedOut: (e: ApiError) => void = () => {};
export function whenLoggedOut(fn: (e: ApiError) => void): void {
  onLoggedOut = fn;
}

async function failure(res: Response): Promise<ApiError> {
  let body: { code?: string; message?: string; hint?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON
  }
  return new ApiError(res.status, body.code ?? 'http', body.message ?? `the daemon answered ${res.status}`, body.hint);
}

export async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method === 'POST') {
    headers[UI_HEADER] = '1';
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'unreachable', 'cannot reach gflowd', 'it may be reloading; the page retries by itself');
  }
  if (!res.ok) {
    const e = await failure(res);
    if (e.status === 401) onLoggedOut(e);
    throw e;
  }
  return (await res.json()) as T;
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});
