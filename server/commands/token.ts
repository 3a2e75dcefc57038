// `befund token create --role researcher|admin [--name N]`, `token list`, `token revoke ID`.
import { UserError } from '../errors.ts';
import { createToken, listTokens, revokeToken } from '../repositories/tokens.ts';
import { output, parse, withApp } from './common.ts';

const USAGE = 'befund token create --role researcher|admin [--name N] | befund token list | befund token revoke ID';

export default async function token(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { role: { type: 'string' }, name: { type: 'string' } }, USAGE);
  const [action, id] = positionals;
  if (action === 'create') {
    const role = values.role;
    if (role !== 'researcher' && role !== 'admin') throw new UserError(`--role muss researcher oder admin sein. Aufruf: ${USAGE}`);
    const name = (values.name as string | undefined) ?? role;
    const t = await withApp((app) => createToken(app.db, role, name));
    output(values.json, { id: t.id, role, name, token: t.token }, `${t.token}\n(Dieses Token wird nur jetzt angezeigt; gespeichert ist nur sein Hash.)`);
  } else if (action === 'list') {
    const tokens = await withApp((app) => listTokens(app.db));
    output(values.json, { tokens }, tokens.map((t) => `${t.id}\t${t.role}\t${t.name}\t${t.revokedAt ? 'widerrufen' : 'aktiv'}`).join('\n') || 'Keine Tokens.');
  } else if (action === 'revoke' && id && /^\d+$/.test(id)) {
    const ok = await withApp((app) => revokeToken(app.db, Number(id), 'cli'));
    if (!ok) throw new UserError(`Token ${id} gibt es nicht (befund token list)`);
    output(values.json, { id: Number(id), revoked: true }, `Token ${id} widerrufen.`);
  } else throw new UserError(`Aufruf: ${USAGE}`);
}
