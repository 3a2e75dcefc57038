// `befund serve` (and `npm start`): migrate, import surveys/definitions, listen, print the URLs.
// The browser bundles come from `npm run build` (web/dist); bin/befund.js rebuilds them when it
// runs the sources.
import closeWithGrace from 'close-with-grace';
import { readManifest } from '../../web/manifest.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { prepareStudy } from '../startup.ts';
import { commandIo } from './common.ts';

export default async function serve(_argv: string[]): Promise<void> {
  const started = Date.now();
  const { env } = commandIo();
  const config = loadConfig(env);
  if (Object.keys(readManifest()).length === 0)
    throw new UserError('Die Browser-Dateien fehlen (web/dist/manifest.json): führen Sie npm run build aus / the browser bundles are missing: run npm run build');
  const app = await buildApp(config, { shareEmbedded: true });
  const summary = await prepareStudy(app);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`Port ${config.port} auf ${config.host} ist schon belegt: beenden Sie das andere Programm oder starten Sie mit PORT=${config.port + 1} npm start`);
    if (code === 'EACCES')
      throw new UserError(`Port ${config.port} darf nicht geöffnet werden: wählen Sie einen Port über 1024, z. B. PORT=3000`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UserError(`HOST=${config.host} ist keine Adresse dieses Rechners: setzen Sie z. B. HOST=127.0.0.1`);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = env.PUBLIC_URL ? config.publicUrl : `http://${config.host}:${port}`;
  commandIo().stdout.write(`${summary.describe(base, Date.now() - started)}\n`);

  // Drain in-flight requests, then close the database so PGlite's files are complete.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
}
