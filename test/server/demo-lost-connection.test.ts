// `befund demo` stores one batch while it makes the next. When the database goes away during a
// store (through the embedded server's socket: the server was killed), the failure must reach the
// command's own error handling, which prints one sentence, and not escape as an unhandled
// rejection that crashes the process with a stack trace (seen in test/serial/embedded-shared on
// CI). Here the store of the first batch fails the way a lost connection does, while the next
// batch is being made.
import t from 'tap';
import { BATCH, fillDemo } from '../../server/commands/demo.ts';
import { isConnectionLoss } from '../../server/db/outage.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';

t.test(`a batch store that loses the connection fails the demo, not the process (${dbLabel})`, async (t) => {
  const { app, cleanup } = await buildTestApp();
  t.teardown(cleanup);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  const lost = new Error('Client has encountered a connection error and is not queryable');
  const transaction = app.db.transaction.bind(app.db);
  let failedStores = 0;
  // only the batch stores fail (storeDemoBatch's transaction), a millisecond after they start
  (app.db as { transaction: unknown }).transaction = ((fn: Parameters<typeof transaction>[0]) => {
    if (!new Error().stack?.includes('storeDemoBatch')) return transaction(fn);
    failedStores++;
    return new Promise((_, reject) => setTimeout(() => reject(lost), 1));
  }) as typeof transaction;

  const error = await fillDemo(app, { n: 3 * BATCH, slug: 'om-partner-befragung', seed: 3 }).then(
    () => null,
    (err: unknown) => err,
  );
  t.equal(error, lost, 'fillDemo rejects with the lost connection');
  t.ok(isConnectionLoss(error), 'which the command reports as a lost connection, in one sentence');
  t.equal(failedStores, 1, 'after the first batch, nothing more is sent');
  // let any stray rejection surface before looking
  await new Promise((r) => setTimeout(r, 50));
  t.same(unhandled, [], 'no unhandled rejection');
});
