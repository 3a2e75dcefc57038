// The server's mail job (partner panel): every five seconds it sends the mail rounds that are due
// (server/mail/rounds.ts) through the same sender as `befund invite`. Only in the running server,
// never in a CLI command; a shutdown stops between two mails and gives the round back. The mails
// use MAIL_TEMPLATES (checked by the template linter at the start) or the built-in templates.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConfigError } from '../../config.ts';
import { releaseOrphanedRounds, runDueRounds } from '../../mail/rounds.ts';
import { readTemplates } from '../../mail/templates.ts';
import { every } from './background.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mailRounds: { runDue(): Promise<number> };
  }
}

export default fp(
  async (app: FastifyInstance) => {
    // MAIL_TEMPLATES is checked once, at the start: a bad file stops the server with its problems.
    const file = app.config.mail.templatesFile;
    const read = file ? readTemplates(file) : undefined;
    if (read && !read.templates) throw new ConfigError(`Die Vorlagen in MAIL_TEMPLATES sind fehlerhaft:\n  ${read.problems.join('\n  ')}`);
    const templates = read?.templates;
    // On the embedded database this server is the only one: a round left running was its own
    // before a kill, and goes on now instead of after the lease.
    if (app.dbKind === 'pglite') app.addHook('onReady', async () => releaseOrphanedRounds(app.db));
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.decorate('mailRounds', {
      runDue: every(app, 'panel mail rounds', 5000, () =>
        runDueRounds(app.db, { mail: app.config.mail, publicUrl: app.config.publicUrl, templates, stop: () => closing }),
      ),
    });
  },
  { name: 'mail-rounds', dependencies: ['db'] },
);
