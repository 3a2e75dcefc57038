// Keeps the server in step with the local record:
//   change → local record (at once) → debounced save (1.5 s) or immediate save (page change)
//   first save: POST /links/:token/responses (client uuid) → resumeKey; later: PUT /responses/:id.
// One request at a time; failures keep the answers locally and retry with backoff.
import { type ApiResult, api, type ClosedReason, type FieldError, type SaveBody } from './api.ts';
import { type LocalRecord, newId, saveRecord } from './store.ts';
import type { Lang } from './texts.ts';

export type SyncState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'offline'; retryAt: number }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'closed'; reason: ClosedReason };

export type Outcome = 'ok' | 'invalid' | 'offline' | 'closed';

export interface SaverHooks {
  state(s: SyncState): void;
  /** The server issued a resume key (first successful POST). */
  resumeKey(id: string, key: string): void;
  /** A complete response was confirmed by a background retry (not by the awaited `complete()`). */
  lateComplete(): void;
}

const DEBOUNCE_MS = 1500;
const MAX_BACKOFF_MS = 30_000;

export class Saver {
  private chain: Promise<Outcome> = Promise.resolve('ok');
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private wantComplete = false;
  private awaited = false;
  private inFlight = false;

  constructor(
    private readonly token: string,
    readonly rec: LocalRecord,
    private readonly locale: () => Lang,
    private readonly hooks: SaverHooks,
  ) {
    window.addEventListener('online', () => this.retryNow());
    // Last chance when the tab goes away: fire-and-forget; the local record stays dirty
    // until a later visit gets a confirmation.
    window.addEventListener('pagehide', () => this.beacon());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.beacon();
    });
  }

  /** Records new answers locally and schedules a save. */
  update(data: Record<string, unknown>, pageNo: number, immediate = false): void {
    if (this.rec.complete) return;
    this.rec.data = data;
    this.rec.pageNo = pageNo;
    this.rec.dirty = true;
    saveRecord(this.token, this.rec);
    clearTimeout(this.debounce);
    if (immediate) void this.flush();
    else this.debounce = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  /** Updates the page number only (no server round trip needed). */
  setPage(pageNo: number): void {
    this.rec.pageNo = pageNo;
    saveRecord(this.token, this.rec);
  }

  flush(): Promise<Outcome> {
    clearTimeout(this.debounce);
    this.chain = this.chain.then(() => this.syncOnce());
    return this.chain;
  }

  /** Sends the answers as complete; resolves once the server has answered (or failed). */
  async complete(data: Record<string, unknown>): Promise<Outcome> {
    this.rec.data = data;
    this.rec.dirty = true;
    saveRecord(this.token, this.rec);
    this.wantComplete = true;
    this.awaited = true;
    try {
      const out = await this.flush();
      if (out === 'invalid') this.wantComplete = false;
      return out;
    } finally {
      this.awaited = false;
    }
  }

  retryNow(): void {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.flush();
  }

  private needsSync(): boolean {
    return !this.rec.complete && (this.rec.dirty || this.wantComplete);
  }

  private async syncOnce(): Promise<Outcome> {
    if (!this.needsSync()) return 'ok';
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.hooks.state({ kind: 'saving' });
    const sent = this.rec.data;
    const body: SaveBody = { data: sent, complete: this.wantComplete, locale: this.locale() };
    this.inFlight = true;
    let res: ApiResult<unknown>;
    try {
      res = await this.send(body);
    } finally {
      this.inFlight = false;
    }
    switch (res.kind) {
      case 'ok':
        this.attempts = 0;
        if (this.rec.data === sent) this.rec.dirty = false;
        // 409: the response was already completed (for instance on another device).
        if (body.complete || res.status === 409) {
          this.rec.complete = true;
          this.wantComplete = false;
        }
        saveRecord(this.token, this.rec);
        this.hooks.state({ kind: 'saved' });
        if (this.rec.complete && !this.awaited) this.hooks.lateComplete();
        // Answers typed during the request go out next.
        if (this.needsSync()) return this.syncOnce();
        return 'ok';
      case 'invalid':
        this.hooks.state({ kind: 'invalid', errors: res.errors });
        return 'invalid';
      case 'gone':
        this.hooks.state({ kind: 'closed', reason: res.reason });
        return 'closed';
      default: {
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts) + Math.floor(Math.random() * 500);
        this.attempts += 1;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          void this.flush();
        }, delay);
        this.hooks.state({ kind: 'offline', retryAt: Date.now() + delay });
        return 'offline';
      }
    }
  }

  /** One request; handles a lost resume key, a deleted response and an already-complete response. */
  private async send(body: SaveBody, keepalive = false, depth = 0): Promise<ApiResult<unknown>> {
    const rec = this.rec;
    if (!rec.resumeKey) {
      const res = await api.create(this.token, rec.id, body, keepalive);
      if (res.kind !== 'ok') return res;
      if (res.body.resumeKey) {
        rec.resumeKey = res.body.resumeKey;
        saveRecord(this.token, rec);
        this.hooks.resumeKey(rec.id, rec.resumeKey);
        return res;
      }
      // A replay (200) without a key: an earlier POST of this id was stored but its answer got lost.
      // A complete replay is done; a partial one is continued under a fresh id (partials never count).
      if (body.complete || depth > 0) return res;
      rec.id = newId();
      return this.send(body, keepalive, depth + 1);
    }
    const res = await api.update(rec.id, rec.resumeKey, body, keepalive);
    if (res.kind === 'conflict') return { kind: 'ok', status: 409, body: {} };
    if (res.kind === 'not_found' && depth === 0) {
      // The response is gone (erased, or the key is stale): start a new one with the same answers.
      rec.id = newId();
      rec.resumeKey = undefined;
      return this.send(body, keepalive, depth + 1);
    }
    return res;
  }

  private beacon(): void {
    if (!this.rec.dirty || this.rec.complete || this.inFlight || !this.rec.resumeKey) return;
    const body: SaveBody = { data: this.rec.data, complete: false, locale: this.locale() };
    void api.update(this.rec.id, this.rec.resumeKey, body, true);
  }
}
