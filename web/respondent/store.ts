// The respondent's answers on this device, keyed by link token. Written on every change,
// so nothing typed is lost before the server has confirmed it.

export interface LocalRecord {
  /** Client-generated response id (uuid), sent with the first POST for idempotency. */
  id: string;
  /** Returned by the server on the first POST; needed for PUT/GET/DELETE. */
  resumeKey?: string;
  data: Record<string, unknown>;
  pageNo: number;
  /** The local data differs from what the server last confirmed. */
  dirty: boolean;
  /** The server confirmed a complete response. */
  complete: boolean;
  /** Survey version the answers were given to. */
  version?: number;
  updatedAt: number;
}

const PREFIX = 'befund:response:';
const LANG_KEY = 'befund:lang';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function loadRecord(token: string): LocalRecord | null {
  try {
    const raw = storage()?.getItem(PREFIX + token);
    if (!raw) return null;
    const rec = JSON.parse(raw) as LocalRecord;
    if (typeof rec?.id !== 'string' || typeof rec.data !== 'object' || rec.data === null) return null;
    return { ...rec, pageNo: Number.isInteger(rec.pageNo) ? rec.pageNo : 0 };
  } catch {
    return null;
  }
}

export function saveRecord(token: string, rec: LocalRecord): void {
  try {
    storage()?.setItem(PREFIX + token, JSON.stringify({ ...rec, updatedAt: Date.now() }));
  } catch {
    // Storage full or disabled: the answers still live in memory and go to the server.
  }
}

export function dropRecord(token: string): void {
  try {
    storage()?.removeItem(PREFIX + token);
  } catch {
    // ignore
  }
}

export function rememberLang(lang: string): void {
  try {
    storage()?.setItem(LANG_KEY, lang);
  } catch {
    // ignore
  }
}

export function rememberedLang(): string | null {
  try {
    return storage()?.getItem(LANG_KEY) ?? null;
  } catch {
    return null;
  }
}

/** A v4 uuid; `crypto.randomUUID` only exists in secure contexts, `getRandomValues` everywhere. */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
