// Every environment variable the server reads, parsed once by zod into a typed Config.
// A wrong value produces one sentence that names the variable and the fix.
import path from 'node:path';
import { z } from 'zod';

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
});

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
  };
}
