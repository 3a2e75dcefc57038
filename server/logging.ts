// What may appear in a log line. Answers, link tokens, resume keys and response ids never do:
// - requests are logged by method and route pattern (`/api/v1/responses/:id`), never the path
//   with its token or id, never the client address or user agent;
// - errors are logged by type, code, a cleaned message and the stack frames. Query parameters
//   (`parameters`, `params`, Drizzle's "params:" tail), the query, pg's `detail`/`where`
//   (which quote the values), request and response bodies and any other property are dropped;
// - every message is cleaned once more: quoted values, uuids and long token-like strings go.
import type { FastifyServerOptions } from 'fastify';

const KEPT = ['code', 'severity', 'routine', 'statusCode', 'errno', 'syscall', 'table', 'column', 'constraint', 'dataType', 'reason'] as const;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TOKEN_LIKE = /[A-Za-z0-9_-]{20,}/g;

/** Removes values from a message: Drizzle's params, quoted literals, uuids, token-like strings. */
export function cleanText(text: string): string {
  return text
    .replace(/\nparams:[\s\S]*$/, '') // DrizzleQueryError: "Failed query: <sql>\nparams: <values>"
    .replace(/'(?:[^']|'')*'/g, "'…'") // literals in SQL
    .replace(/: "[\s\S]*"$/, ': "…"') // pg echoing a value: invalid input syntax for type uuid: "…"
    .replace(UUID, '<id>')
    .replace(TOKEN_LIKE, (m) => (/\d/.test(m) && /[A-Za-z]/.test(m) ? '<redacted>' : m));
}

/** A message on one line, at most 600 characters (Drizzle puts the whole statement in it). */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
}

/** An error as a log line may carry it; depth-limited through `cause`. */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!err || typeof err !== 'object') return { type: typeof err };
  const e = err as Record<string, unknown> & { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown };
  const type = typeof e.name === 'string' ? e.name : (e.constructor?.name ?? 'Error');
  const message = oneLine(cleanText(typeof e.message === 'string' ? e.message : ''));
  const out: Record<string, unknown> = { type, message };
  for (const key of KEPT) {
    const v = e[key];
    if (typeof v === 'string' || typeof v === 'number') out[key] = typeof v === 'string' ? cleanText(v) : v;
  }
  if (typeof e.stack === 'string') {
    const frames = e.stack.split('\n').filter((line) => /^\s+at /.test(line));
    out.stack = [`${type}: ${message}`, ...frames.map(cleanText)].join('\n');
  }
  if (e.cause && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/** The route pattern, or for an unknown route the path with id- and token-like segments masked. */
function routeOf(req: { url?: string; routeOptions?: { url?: string } }): string {
  if (req.routeOptions?.url) return req.routeOptions.url;
  const path = (req.url ?? '').split('?')[0];
  return path
    .split('/')
    .map((seg) => (seg.length > 12 || /\d/.test(seg) ? ':x' : seg))
    .join('/');
}

/** Privacy default: requests are logged by method and route only — no IP, no user agent. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url?: string; routeOptions?: { url?: string } }) => ({ method: req.method, url: routeOf(req) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: unknown) => serializeError(err) as { type: string; message: string; stack: string },
      error: (err: unknown) => serializeError(err),
    },
    redact: ['req.headers', 'req.remoteAddress', 'req.remotePort', 'req.hostname', 'req.body', 'res.body', 'body', 'parameters', 'params', 'query'],
    hooks: {
      // The message text itself (Fastify logs `error.message` as the message of a failed reply).
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? cleanText(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
}
