// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per package
// or project folder, and the hottest functions. Used by `npm run bench -- --only ingest --profile`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `survey-core`, `pg`, `server/routes`, `(garbage collector)`, `node:internal`… */
function owner(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (http, streams, …)';
  const m = url.match(/\/(server|surveys|analysis|web|bench)\/(.*)$/);
  if (m) return m[2].includes('/') ? `${m[1]}/${m[2].split('/')[0]}` : `${m[1]}/${m[2]}`;
  return url;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byOwner: { owner: string; ms: number; share: number }[];
  topFunctions: { fn: string; owner: string; ms: number; share: number }[];
}

export function summariseProfile(file: string, top = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // The profiler's own work (Profiler.stop serialising the profile, through node:inspector) is not the app's.
  const parent = new Map<number, number>();
  for (const n of p.nodes as (Node & { children?: number[] })[]) for (const c of n.children ?? []) parent.set(c, n.id);
  const profilerOwn = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)?.callFrame.url === 'node:inspector') return true;
    return false;
  };
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const owners = new Map<string, number>();
  const fns = new Map<string, { fn: string; owner: string; us: number }>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n || profilerOwn(id)) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const o = owner(url, functionName);
    if (o === '(idle)' || o === '(program)') continue;
    total += us;
    owners.set(o, (owners.get(o) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${path.basename(url)}:${lineNumber + 1}`;
    const f = fns.get(key) ?? { fn: key, owner: o, us: 0 };
    f.us += us;
    fns.set(key, f);
  }
  const share = (us: number) => us / total;
  return {
    file,
    totalMs: total / 1000,
    byOwner: [...owners].sort((a, b) => b[1] - a[1]).slice(0, top).map(([o, us]) => ({ owner: o, ms: us / 1000, share: share(us) })),
    topFunctions: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ fn: f.fn, owner: f.owner, ms: f.us / 1000, share: share(f.us) })),
  };
}

/** The newest .cpuprofile in `dir`. */
export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  return files.length ? path.join(dir, files[files.length - 1]) : undefined;
}
