// The server's mail job (partner panel): every five seconds it sends the mail rounds that are due
// (server/mail/rounds.ts) through the same sender as `befund invite`. Only in the running server,
// never in a CLI command; a shutdown stops between two mails and gives the round back.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runDueRounds } from '../../mail/rounds.ts';
import { every } from './background.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mailRounds: { runDue(): Promise<number> };
  }
}

export default fp(
  async (app: FastifyInstance) => {
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.decorate('mailRounds', {
      runDue: every(app, 'panel mail rounds', 5000, () =>
        runDueRounds(app.db, { mail: app.config.mail, publicUrl: app.config.publicUrl, stop: () => closing }),
      ),
    });
  },
  { name: 'mail-rounds', dependencies: ['db'] },
);
