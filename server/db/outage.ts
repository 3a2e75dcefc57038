// Knowing whether PostgreSQL can be reached, without ever waiting on it for long.
//
// A monitor probes the server on its own connection (never from the pool, which may be full or
// stuck) with a short timeout: every `intervalMs` while it is up, every half second while it is
// down, and at once when a query fails in a way that smells of an outage. Its state changes
// are the only log lines an outage produces: one when it starts (with the reason), one when it
// ends. While the database is down, the pool guard (guard.ts) refuses work at once instead of
// queueing it, so requests answer 503 within the promised two seconds.
import type pg from 'pg';

export type OutageReason = 'unreachable' | 'timeout';
export type DbState = { up: true } | { up: false; reason: OutageReason; since: number };

/** Thrown by the pool guard while the database is known to be down. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  readonly code = 'BEFUND_DB_UNAVAILABLE';
  constructor(readonly reason: OutageReason) {
    super(reason === 'timeout' ? 'the database does not answer in time' : 'the database cannot be reached');
  }
}

// Connection-level failures (class 08), shutdown/restart (57P01–57P03), too many connections
// (53300), and timeouts: the request may succeed when sent again.
const RETRYABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03', '25P03']);
const RETRYABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const RETRYABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended unexpectedly|the database (does not answer|cannot be reached)/;

/** Walks an error and its causes (Drizzle wraps pg's error in `cause`). */
function* chain(err: unknown): Generator<{ code?: unknown; message?: unknown }> {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    yield e;
    e = e.cause as typeof e;
  }
}

/** True when the error says the database is gone, frozen or overloaded, not that the query is wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of chain(err)) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || RETRYABLE_SQLSTATES.has(code) || RETRYABLE_NODE_CODES.has(code)) return true;
    if (typeof e.message === 'string' && RETRYABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** True for errors that mean the connection itself is gone (not a slow query): probe at once. */
export function isConnectionLoss(err: unknown): boolean {
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || code.startsWith('57P') || RETRYABLE_NODE_CODES.has(code)) return true;
    if (typeof e.message === 'string' && /Connection terminated|Connection ended unexpectedly|connection error/.test(e.message)) return true;
  }
  return false;
}

/** Seconds a client should wait before sending again (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 5;

/** The sentence a person reads during an outage, in the request's language. */
export function unavailableMessage(locale: 'de' | 'en'): string {
  return locale === 'en'
    ? 'The database is not available at the moment. Nothing was lost: please send your answers again in a few seconds.'
    : 'Die Datenbank ist gerade nicht erreichbar. Es ist nichts verloren: Bitte senden Sie Ihre Antworten in einigen Sekunden noch einmal.';
}

/** English when the request asks for it the way the rest of the app does (`locale` in the body, `?lang=en`). */
export function requestLocale(request: { body?: unknown; query?: unknown }): 'de' | 'en' {
  const body = request.body as { locale?: unknown } | undefined;
  const query = request.query as { lang?: unknown; locale?: unknown } | undefined;
  return body?.locale === 'en' || query?.lang === 'en' || query?.locale === 'en' ? 'en' : 'de';
}

export interface MonitorOptions {
  /** Opens the probe's connection; a pg.Client in production, anything with connect/query/end in tests. */
  connect(): Promise<pg.Client>;
  /** How long one probe may take before the database counts as frozen. */
  timeoutMs: number;
  /** How often to probe while the database is up. */
  intervalMs: number;
  onChange(state: DbState): void;
}

/** A probe on its own connection; `state` is what the last probe found. */
export class DbMonitor {
  state: DbState = { up: true };
  private client: pg.Client | null = null;
  private running: Promise<DbState> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly waiters = new Set<(state: DbState) => void>();

  constructor(private readonly options: MonitorOptions) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    this.dropClient();
  }

  /** Calls `fn` whenever the state changes (the pool guard uses it to fail waiting work). */
  subscribe(fn: (state: DbState) => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  /** Probes now (joining a probe already running); never takes longer than `timeoutMs` (+ a little). */
  probe(): Promise<DbState> {
    this.running ??= this.probeOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** A query failed: if it looks like a lost connection, find out at once instead of at the next tick. */
  report(err: unknown): void {
    if (!this.stopped && isConnectionLoss(err)) void this.probe();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        void this.probe().finally(() => this.schedule());
      },
      this.state.up ? this.options.intervalMs : Math.min(500, this.options.intervalMs),
    );
    this.timer.unref();
  }

  private async probeOnce(): Promise<DbState> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs);
    });
    const attempt = (async (): Promise<'ok'> => {
      if (!this.client) {
        const client = await this.options.connect();
        client.on('error', () => this.dropClient(client));
        this.client = client;
      }
      await this.client.query('select 1');
      return 'ok';
    })();
    let outcome: 'ok' | OutageReason;
    try {
      outcome = await Promise.race([attempt, deadline]);
    } catch (err) {
      outcome = (err as Error).message?.includes('timeout') ? 'timeout' : 'unreachable';
    } finally {
      clearTimeout(timer);
    }
    attempt.catch(() => {});
    if (outcome !== 'ok') this.dropClient();
    if (this.stopped) return this.state;
    const next: DbState = outcome === 'ok' ? { up: true } : { up: false, reason: outcome, since: this.state.up ? Date.now() : this.state.since };
    const changed = next.up !== this.state.up || (!next.up && !this.state.up && next.reason !== this.state.reason);
    this.state = next;
    if (changed) {
      this.options.onChange(next);
      for (const fn of this.waiters) fn(next);
      this.schedule();
    }
    return next;
  }

  private dropClient(which: pg.Client | null = this.client): void {
    if (!which) return;
    if (which === this.client) this.client = null;
    which.on('error', () => {});
    which.end().catch(() => {});
  }
}
