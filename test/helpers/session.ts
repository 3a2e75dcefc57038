// A browser stand-in for the workspace through inject: keeps cookies, reads the CSRF token of the
// last page, and has its own client address (the login limits count per address).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { researcherHeaders } from './fixtures.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let nextIp = 1;

export function workspaceClient(app: FastifyInstance) {
  const jar: Record<string, string> = {};
  const remoteAddress = `10.0.0.${nextIp++}`;
  let csrf = '';
  const keep = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.value === '' || c.maxAge === 0) delete jar[c.name];
      else jar[c.name] = c.value;
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) csrf = m[1];
    return res;
  };
  return {
    jar,
    get csrf() {
      return csrf;
    },
    get: async (url: string) => keep(await app.inject({ url, cookies: jar, remoteAddress })),
    post: async (url: string, fields: Record<string, string>, withCsrf = true) =>
      keep(await app.inject({ method: 'POST', url, headers: FORM, cookies: jar, remoteAddress, payload: new URLSearchParams({ ...(withCsrf ? { _csrf: csrf } : {}), ...fields }).toString() })),
  };
}

export const tokenOf = async (app: FastifyInstance, role: 'researcher' | 'admin' = 'researcher') => (await researcherHeaders(app, role)).authorization.slice('Bearer '.length);

/** A client logged in to the workspace with a fresh token of `role`. */
export async function loggedIn(app: FastifyInstance, role: 'researcher' | 'admin' = 'researcher') {
  const b = workspaceClient(app);
  await b.get('/admin/login');
  const res = await b.post('/admin/login', { token: await tokenOf(app, role) });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
  await b.get('/admin');
  return b;
}
