// The published set: everything a share-key holder can fetch. For every audience key, the report
// page (for the filter options it offers) and data.json for every filter combination of those
// options that the attack asks for. Refused combinations (4xx) publish nothing but the refusal.
import type { FastifyInstance } from 'fastify';

export interface Filters {
  segments: string[];
  labels: string[];
}

export interface Published {
  audience: string;
  filters: Filters;
  /** The report model of data.json, or null when the server refused this filter. */
  report: Report | null;
}

// The report JSON as an outsider reads it: untyped, walked by figures.ts.
// biome-ignore lint/suspicious/noExplicitAny: JSON read from the wire
export type Report = Record<string, any>;

export interface PageOptions {
  segments: string[];
  labels: string[];
}

/** The filter options the report page offers (its checkboxes). */
export function parseOptions(html: string): PageOptions {
  const values = (name: string) => [...html.matchAll(new RegExp(`name="${name}"[^>]*?value="([^"]*)"`, 'g'))].map((m) => unescapeHtml(m[1]));
  return { segments: [...new Set(values('segment'))], labels: [...new Set(values('label'))] };
}

function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export type FilterPlan = 'none' | 'single' | 'full';

/**
 * The filter combinations to ask for: none; every single segment and label; every segment ×
 * label pair; every pair of segments; "all labels but one" (full only). Bounded by `max`.
 */
export function filterCombinations(o: PageOptions, plan: FilterPlan, max = 2000): Filters[] {
  const out: Filters[] = [{ segments: [], labels: [] }];
  if (plan === 'none') return out;
  for (const s of o.segments) out.push({ segments: [s], labels: [] });
  for (const l of o.labels) out.push({ segments: [], labels: [l] });
  if (plan === 'full') {
    for (const s of o.segments) for (const l of o.labels) out.push({ segments: [s], labels: [l] });
    for (let i = 0; i < o.segments.length; i++) for (let j = i + 1; j < o.segments.length; j++) out.push({ segments: [o.segments[i], o.segments[j]], labels: [] });
    if (o.labels.length > 2) for (const l of o.labels) out.push({ segments: [], labels: o.labels.filter((x) => x !== l) });
  }
  return out.slice(0, max);
}

function query(key: string, f: Filters): string {
  const p = new URLSearchParams({ key });
  for (const s of f.segments) p.append('segment', s);
  for (const l of f.labels) p.append('label', l);
  return p.toString();
}

/** Fetch through app.inject (or any function with the same shape, e.g. real HTTP). */
export type Get = (url: string) => Promise<{ status: number; body: string }>;

export const injectGet =
  (app: FastifyInstance): Get =>
  async (url) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.body };
  };

export async function pageOptions(get: Get, slug: string, audience: string, key: string): Promise<PageOptions> {
  const r = await get(`/reports/${slug}/${audience}?${query(key, { segments: [], labels: [] })}`);
  // a refused report (e.g. 422: too few answers) still shows its filter form
  if (r.status === 404 || r.status >= 500) throw new Error(`report page ${audience} → ${r.status}`);
  return parseOptions(r.body);
}

export async function fetchReport(get: Get, slug: string, audience: string, key: string, f: Filters): Promise<Published> {
  const r = await get(`/reports/${slug}/${audience}/data.json?${query(key, f)}`);
  if (r.status === 200) return { audience, filters: f, report: JSON.parse(r.body).report };
  if (r.status >= 400 && r.status < 500 && r.status !== 404) return { audience, filters: f, report: null };
  throw new Error(`data.json ${audience} ${JSON.stringify(f)} → ${r.status}: ${r.body.slice(0, 200)}`);
}

export interface Collected {
  options: Record<string, PageOptions>;
  published: Published[];
  requests: number;
}

/** Every audience's report with every planned filter combination. */
export async function collect(get: Get, slug: string, keys: Record<string, string>, plan: FilterPlan, max?: number): Promise<Collected> {
  const options: Record<string, PageOptions> = {};
  const published: Published[] = [];
  let requests = 0;
  for (const [audience, key] of Object.entries(keys)) {
    options[audience] = await pageOptions(get, slug, audience, key);
    requests++;
    for (const f of filterCombinations(options[audience], plan, max)) {
      published.push(await fetchReport(get, slug, audience, key, f));
      requests++;
    }
  }
  return { options, published, requests };
}
