// Guards a pg pool so the database can never take the process down or hang a request:
// - every client gets an `error` listener for its whole life, also while it is checked out for
//   a transaction (pg-pool removes its own listener on checkout; an `error` nobody listened for
//   was what made the server exit when PostgreSQL restarted under load);
// - while the monitor says the database is down, `query` and `connect` fail at once with
//   DatabaseUnavailableError instead of waiting;
// - work already waiting when the database goes down fails at that moment, and a client whose
//   query was abandoned that way is destroyed on release instead of going back to the pool.
import type pg from 'pg';
import { DatabaseUnavailableError, type DbMonitor } from './outage.ts';

type AnyFn = (...args: unknown[]) => unknown;
const guarded = new WeakSet<object>();
const broken = new WeakSet<object>();

/** Races `work` against the monitor: rejects as soon as the database is declared down. */
function raceOutage<T>(monitor: DbMonitor, work: Promise<T>, onAbandon?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = monitor.subscribe((state) => {
      if (state.up) return;
      unsubscribe();
      onAbandon?.();
      reject(new DatabaseUnavailableError(state.reason));
    });
    work.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (err: unknown) => {
        unsubscribe();
        monitor.report(err);
        reject(err);
      },
    );
  });
}

function refuseIfDown(monitor: DbMonitor): void {
  if (!monitor.state.up) throw new DatabaseUnavailableError(monitor.state.reason);
}

/** Wraps a checked-out client's promise-style `query` once (streams and callbacks pass through). */
function guardClient(client: pg.PoolClient, monitor: DbMonitor): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  const query = client.query.bind(client) as AnyFn;
  (client as unknown as { query: AnyFn }).query = (...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof args[args.length - 1] === 'function' || typeof first?.submit === 'function') return query(...args);
    if (!monitor.state.up) {
      broken.add(client);
      return Promise.reject(new DatabaseUnavailableError(monitor.state.reason));
    }
    return raceOutage(monitor, query(...args) as Promise<unknown>, () => broken.add(client));
  };
}

export function guardPool(pool: pg.Pool, monitor: DbMonitor, log: (err: unknown) => void): void {
  // A client's `error` while idle is also caught by pg-pool; while checked out, only by this.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      broken.add(client);
      monitor.report(err);
      log(err);
    });
  });
  pool.on('error', (err) => {
    monitor.report(err);
    log(err);
  });

  const connect = pool.connect.bind(pool) as AnyFn;
  (pool as unknown as { connect: AnyFn }).connect = (...args: unknown[]) => {
    if (typeof args[0] === 'function') return connect(...args); // pool.query's own checkout
    try {
      refuseIfDown(monitor);
    } catch (err) {
      return Promise.reject(err);
    }
    let abandoned = false;
    const checkout = (connect() as Promise<pg.PoolClient>).then((client) => {
      if (abandoned) {
        client.release(true);
        return client;
      }
      guardClient(client, monitor);
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => release(err ?? (broken.has(client) ? true : undefined));
      return client;
    });
    return raceOutage(monitor, checkout, () => {
      abandoned = true;
    });
  };

  const query = pool.query.bind(pool) as AnyFn;
  (pool as unknown as { query: AnyFn }).query = (...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof args[args.length - 1] === 'function' || typeof first?.submit === 'function') return query(...args);
    try {
      refuseIfDown(monitor);
    } catch (err) {
      return Promise.reject(err);
    }
    return raceOutage(monitor, query(...args) as Promise<unknown>);
  };
}
