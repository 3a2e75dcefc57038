// Every route the app serves, read from Fastify's own route tree (`printRoutes`), so tests that
// walk all routes (the fuzzer, the credential matrix) see a new route without anyone listing it.
import type { FastifyInstance } from 'fastify';

export interface AppRoute {
  method: string;
  /** The path as registered, with `:params` and `*`. */
  url: string;
}

/**
 * Parses `app.printRoutes()`, Fastify's radix tree: one node per line, indented four
 * characters per level ("│   ", "├── ", "└── ", "    "; the top level has one), each node a path segment appended to
 * its parent's, with its methods in parentheses.
 */
export function parseRouteTree(tree: string): AppRoute[] {
  const out: AppRoute[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    if (!line.trim()) continue;
    const m = /^((?:[│ ] {3}|├── |└── )*)(.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) throw new Error(`unreadable route line: ${line}`);
    const depth = [...m[1]].length / 4 - 1; // the top level already has one "├── "
    stack.length = depth;
    const url = (depth ? stack[depth - 1] : '') + m[2];
    stack.push(url);
    for (const method of m[3]?.split(',').map((s) => s.trim()) ?? []) out.push({ method, url });
  }
  return out;
}

/** Every route of the app, method by method (HEAD included where Fastify added it). */
export function appRoutes(app: FastifyInstance): AppRoute[] {
  // The default (common-prefix) tree: with commonPrefix false Fastify 5.12 drops the prefix of
  // a wildcard route (/assets/* prints as *).
  const routes = parseRouteTree(app.printRoutes());
  // A cross-check that the parser read the tree: Fastify knows each route it returns.
  for (const r of routes) if (!app.hasRoute({ method: r.method as 'GET', url: r.url })) throw new Error(`route tree misread: ${r.method} ${r.url}`);
  return routes;
}
