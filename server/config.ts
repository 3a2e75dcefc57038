// Every environment variable the server reads, parsed once by zod into a typed Config.
// A wrong value produces one sentence that names the variable and the fix.
import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, TRUST_PROXY_FIX, type TrustProxy } from './trust-proxy.ts';
import { MailEnv, type MailSettings, mailSettings } from './mail/env.ts';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const EnvSchema = z.object({
  PORT: z.coerce
    .number({ message: 'PORT muss eine Zahl sein, z. B. PORT=3000' })
    .int('PORT muss eine ganze Zahl sein, z. B. PORT=3000')
    .min(0, 'PORT muss zwischen 0 und 65535 liegen')
    .max(65535, 'PORT muss zwischen 0 und 65535 liegen')
    .default(3000),
  HOST: z.string().min(1, 'HOST darf nicht leer sein, z. B. HOST=127.0.0.1').default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((url) => url === undefined || url === '' || /^postgres(ql)?:\/\/.+/.test(url), {
      message:
        'DATABASE_URL muss mit postgres:// oder postgresql:// beginnen, z. B. postgres://user@127.0.0.1:5432/befund – oder lassen Sie die Variable weg, um die eingebettete Datenbank zu nutzen',
    })
    .transform((url) => (url ? url : undefined)),
  DATA_DIR: z.string().min(1, 'DATA_DIR darf nicht leer sein').default('./data'),
  MIN_GROUP_SIZE: z.coerce
    .number({ message: 'MIN_GROUP_SIZE muss eine Zahl sein, z. B. MIN_GROUP_SIZE=5' })
    .int('MIN_GROUP_SIZE muss eine ganze Zahl sein')
    .min(2, 'MIN_GROUP_SIZE muss mindestens 2 sein; üblich ist 5')
    .default(5),
  PUBLIC_URL: z
    .url({ message: 'PUBLIC_URL muss eine vollständige Adresse sein, z. B. https://befund.example.org' })
    .optional(),
  LOG_LEVEL: z
    .enum(LogLevel.options, { message: `LOG_LEVEL ist unbekannt; erlaubt sind ${LogLevel.options.join(', ')}` })
    .default('info'),
  SURVEYS_DIR: z.string().min(1).default('surveys/definitions'),
  DB_STATEMENT_TIMEOUT_MS: millis('DB_STATEMENT_TIMEOUT_MS', 30_000),
  DB_LOCK_TIMEOUT_MS: millis('DB_LOCK_TIMEOUT_MS', 10_000),
  DB_CONNECT_TIMEOUT_MS: millis('DB_CONNECT_TIMEOUT_MS', 5_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: millis('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000),
  DB_HEALTH_TIMEOUT_MS: millis('DB_HEALTH_TIMEOUT_MS', 1_000),
  HTTP_REQUEST_TIMEOUT_MS: millis('HTTP_REQUEST_TIMEOUT_MS', 15_000),
  HTTP_CONNECTION_TIMEOUT_MS: millis('HTTP_CONNECTION_TIMEOUT_MS', 30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: millis('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000),
  MAX_EVENT_LOOP_DELAY_MS: millis('MAX_EVENT_LOOP_DELAY_MS', 1_000, 0),
  REPORT_WAIT_MS: millis('REPORT_WAIT_MS', 20_000, 0),
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['0', '1', 'true', 'false'], { message: 'WEBHOOK_ALLOW_PRIVATE muss 1 oder 0 sein, z. B. WEBHOOK_ALLOW_PRIVATE=1 für einen Empfänger im eigenen Netz' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  WEBHOOK_CONCURRENCY: z.coerce
    .number({ message: 'WEBHOOK_CONCURRENCY muss eine Zahl sein, z. B. WEBHOOK_CONCURRENCY=4' })
    .int('WEBHOOK_CONCURRENCY muss eine ganze Zahl sein, z. B. WEBHOOK_CONCURRENCY=4')
    .min(1, 'WEBHOOK_CONCURRENCY muss zwischen 1 und 16 liegen, z. B. WEBHOOK_CONCURRENCY=4')
    .max(16, 'WEBHOOK_CONCURRENCY muss zwischen 1 und 16 liegen (jede laufende Zustellung hält eine Datenbankverbindung)')
    .default(4),
  ...MailEnv.shape,
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed === undefined) ctx.addIssue({ code: 'custom', message: TRUST_PROXY_FIX });
      return parsed ?? false;
    }),
  SESSION_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .min(32, 'SESSION_SECRET muss mindestens 32 Zeichen lang sein, z. B. SESSION_SECRET=$(openssl rand -hex 32) – oder lassen Sie die Variable weg, dann teilen sich alle Server den Schlüssel aus der Datenbank')
      .optional(),
  ),
  PDF_CONCURRENCY: z.coerce
    .number({ message: 'PDF_CONCURRENCY muss eine Zahl sein, z. B. PDF_CONCURRENCY=4' })
    .int('PDF_CONCURRENCY muss eine ganze Zahl sein, z. B. PDF_CONCURRENCY=4')
    .min(1, 'PDF_CONCURRENCY muss zwischen 1 und 32 liegen, z. B. PDF_CONCURRENCY=4')
    .max(32, 'PDF_CONCURRENCY muss zwischen 1 und 32 liegen (jeder wartende Bericht hält sein HTML im Speicher)')
    .default(4),
  WEBHOOK_FAILED_RETENTION_DAYS: z.coerce
    .number({ message: 'WEBHOOK_FAILED_RETENTION_DAYS muss eine Zahl von Tagen sein, z. B. WEBHOOK_FAILED_RETENTION_DAYS=30' })
    .int('WEBHOOK_FAILED_RETENTION_DAYS muss eine ganze Zahl von Tagen sein, z. B. WEBHOOK_FAILED_RETENTION_DAYS=30')
    .min(0, 'WEBHOOK_FAILED_RETENTION_DAYS darf nicht negativ sein, z. B. WEBHOOK_FAILED_RETENTION_DAYS=30')
    .default(30),
});

/** A duration in milliseconds: a whole number of at least `least` (0 where 0 means "off"). */
function millis(name: string, fallback: number, least = 1) {
  return z.coerce
    .number({ message: `${name} muss eine Zahl von Millisekunden sein, z. B. ${name}=${fallback}` })
    .int(`${name} muss eine ganze Zahl von Millisekunden sein, z. B. ${name}=${fallback}`)
    .min(least, least === 0 ? `${name} darf nicht negativ sein, z. B. ${name}=${fallback}` : `${name} muss größer als 0 sein, z. B. ${name}=${fallback}`)
    .default(fallback);
}

export interface Config {
  port: number;
  host: string;
  /** Set: a real PostgreSQL server. Unset: embedded PGlite under `dataDir` (or in memory). */
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` keeps nothing (tests). */
  dataDir: string;
  minGroupSize: number;
  publicUrl: string;
  logLevel: z.infer<typeof LogLevel>;
  surveysDir: string;
  timeouts: {
    /** PostgreSQL cancels a statement running longer (statement_timeout). */
    statementMs: number;
    /** PostgreSQL gives up waiting for a lock after this long (lock_timeout). */
    lockMs: number;
    /** Opening a connection, or waiting for a free one in the pool, fails after this long. */
    connectMs: number;
    /** PostgreSQL ends a session idle inside a transaction for this long. */
    idleInTransactionMs: number;
    /** A health probe (and `/healthz`) counts the database as frozen after this long. */
    healthMs: number;
    /** The whole request (headers and body) must arrive within this time. */
    httpRequestMs: number;
    /** An idle socket is closed after this long. */
    httpConnectionMs: number;
    /** A keep-alive socket waits this long for the next request. */
    httpKeepAliveMs: number;
    /** Above this mean event-loop delay, requests are shed with 503. */
    maxEventLoopDelayMs: number;
    /**
     * A report read waits this long for a first release or a report build; past it the reader gets
     * 503 with Retry-After while the work goes on (routes/report-pages.ts).
     */
    reportWaitMs: number;
  };
  /** PDF reports waiting or being printed at once; one more gets 503 (routes/report-pages.ts). */
  pdfConcurrency: number;
  /** Whose X-Forwarded-For gives the client address (server/trust-proxy.ts). */
  trustProxy: TrustProxy;
  /** Set: the CSRF key is derived from it. Unset: every instance shares a key kept in the database. */
  sessionSecret?: string;
  webhooks: {
    /** Deliveries to loopback, private, link-local and unique-local addresses are allowed. */
    allowPrivate: boolean;
    /** How many deliveries may be in flight at once (each holds a database connection on PostgreSQL). */
    concurrency: number;
    /** Deliveries that gave up are deleted this many days after the response was completed. */
    failedRetentionDays: number;
  };
  /** Partner panel mail: SMTP_URL, MAIL_FROM, PANEL_MAX_REMINDERS, PANEL_MAIL_RATE. */
  mail: MailSettings;
}

/** A configuration mistake: its message is meant for the user, never a stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const sentences = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Die Konfiguration ist fehlerhaft:\n  ${sentences.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR === 'memory://' ? e.DATA_DIR : path.resolve(e.DATA_DIR),
    minGroupSize: e.MIN_GROUP_SIZE,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    surveysDir: path.resolve(e.SURVEYS_DIR),
    timeouts: {
      statementMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockMs: e.DB_LOCK_TIMEOUT_MS,
      connectMs: e.DB_CONNECT_TIMEOUT_MS,
      idleInTransactionMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      healthMs: e.DB_HEALTH_TIMEOUT_MS,
      httpRequestMs: e.HTTP_REQUEST_TIMEOUT_MS,
      httpConnectionMs: e.HTTP_CONNECTION_TIMEOUT_MS,
      httpKeepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
      reportWaitMs: e.REPORT_WAIT_MS,
    },
    pdfConcurrency: e.PDF_CONCURRENCY,
    trustProxy: e.TRUST_PROXY,
    sessionSecret: e.SESSION_SECRET,
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE, concurrency: e.WEBHOOK_CONCURRENCY, failedRetentionDays: e.WEBHOOK_FAILED_RETENTION_DAYS },
    mail: mailSettings(e),
  };
}
