// The HTTP contract of the respondent side, as plain results (never throws).
import type { Lang } from './texts.ts';

export interface LinkInfo {
  survey: Record<string, unknown>;
  version: number;
  audience: string;
  locale: Lang;
  oneResponsePerBrowser: boolean;
}

export interface FieldError {
  question: string | null;
  message: string;
}

export type ClosedReason = 'closed' | 'full' | 'not_open';

/** What the page needs to know about any answer. `network` covers offline, timeouts, 5xx and 429. */
export type ApiResult<T> =
  | { kind: 'ok'; status: number; body: T }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'not_found' }
  | { kind: 'gone'; reason: ClosedReason }
  | { kind: 'conflict' }
  | { kind: 'network'; status?: number };

export interface SaveBody {
  data: Record<string, unknown>;
  complete: boolean;
  locale: Lang;
}

const TIMEOUT_MS = 20_000;

async function call<T>(
  method: string,
  url: string,
  opts: { body?: unknown; resumeKey?: string; keepalive?: boolean } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.resumeKey) headers['x-resume-key'] = opts.resumeKey;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
      keepalive: opts.keepalive === true,
      signal: ctrl.signal,
    });
  } catch {
    return { kind: 'network' };
  } finally {
    clearTimeout(timer);
  }
  const body = await res.json().catch(() => undefined);
  if (res.ok) return { kind: 'ok', status: res.status, body: body as T };
  switch (res.status) {
    case 404:
      return { kind: 'not_found' };
    case 409:
      return { kind: 'conflict' };
    case 410: {
      const reason = body?.reason;
      return { kind: 'gone', reason: reason === 'full' || reason === 'not_open' ? reason : 'closed' };
    }
    case 400:
    case 422: {
      const errors: FieldError[] = Array.isArray(body?.errors)
        ? body.errors.map((e: { question?: unknown; message?: unknown }) => ({
            question: typeof e?.question === 'string' ? e.question : null,
            message: String(e?.message ?? ''),
          }))
        : [{ question: null, message: String(body?.message ?? res.statusText) }];
      return { kind: 'invalid', errors };
    }
    default:
      return { kind: 'network', status: res.status };
  }
}

const enc = encodeURIComponent;

export const api = {
  link: (token: string) => call<LinkInfo>('GET', `/api/v1/links/${enc(token)}`),
  create: (token: string, id: string, body: SaveBody, keepalive = false) =>
    call<{ id: string; resumeKey?: string }>('POST', `/api/v1/links/${enc(token)}/responses`, {
      body: { id, ...body },
      keepalive,
    }),
  update: (id: string, resumeKey: string, body: SaveBody, keepalive = false) =>
    call<{ id: string; complete: boolean }>('PUT', `/api/v1/responses/${enc(id)}`, { body, resumeKey, keepalive }),
  load: (id: string, resumeKey: string) =>
    call<{ id: string; data: Record<string, unknown>; complete: boolean }>('GET', `/api/v1/responses/${enc(id)}`, {
      resumeKey,
    }),
  remove: (id: string, resumeKey: string) => call<unknown>('DELETE', `/api/v1/responses/${enc(id)}`, { resumeKey }),
};
