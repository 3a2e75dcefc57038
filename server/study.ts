// The entry point for researchers' own scripts: open the study's database (embedded, or
// DATABASE_URL) and get aggregated data, catalogues and whole reports through the same code
// the reports and the CLI use.
//
//   import { openStudy } from 'befund/study';
//   import { chiSquare } from 'befund/analysis';
//   const study = await openStudy();
//   const data = await study.aggregates('om-partner-befragung', { segments: ['sme', 'works_council'] });
import type { FastifyInstance } from 'fastify';
import { buildReport } from '../analysis/report/build.ts';
import type { ReportModel } from '../analysis/report/model.ts';
import type { AggregatedData } from '../analysis/types.ts';
import type { Catalogue } from '../surveys/types.ts';
import { buildCore } from './core.ts';
import { loadConfig } from './config.ts';
import { UserError } from './errors.ts';
import { type AggregateFilters, loadAggregates, mergedCatalogue } from './repositories/aggregates.ts';
import { profileFor } from './repositories/profiles.ts';
import { findSurvey, listSurveys } from './repositories/surveys.ts';
import { responseRecords, type StatusFilter } from './export/source.ts';
import type { ResponseRecord } from './export/columns.ts';

export interface Study {
  /** Every survey with its number of complete responses. */
  surveys(): Promise<{ slug: string; title: string; responses: number }[]>;
  /** Counts per variable, value, segment and link label, computed in the database. */
  aggregates(slug: string, filters?: AggregateFilters): Promise<AggregatedData>;
  /** The question catalogue over all versions (newest wins). */
  catalogue(slug: string): Promise<Catalogue>;
  /** One audience's report, with small-group protection, exactly as the report pages show it. */
  report(slug: string, audience: string, filters?: { segments?: string[]; linkLabels?: string[] }): Promise<ReportModel>;
  /** Raw responses for analyses the aggregates cannot answer (e.g. crosstabs of two questions). */
  responses(slug: string, options?: { status?: StatusFilter; segments?: string[]; linkLabels?: string[]; versions?: number[] }): AsyncGenerator<ResponseRecord>;
  minGroupSize: number;
  close(): Promise<void>;
}

export async function openStudy(env: Record<string, string | undefined> = process.env): Promise<Study> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  const app: FastifyInstance = await buildCore(config);
  await app.ready();
  const surveyId = async (slug: string) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht`);
    return survey.id;
  };
  return {
    minGroupSize: config.minGroupSize,
    async surveys() {
      return (await listSurveys(app.db)).map(({ slug, title, responses }) => ({ slug, title, responses }));
    },
    async aggregates(slug, filters) {
      return loadAggregates(app.db, await surveyId(slug), filters);
    },
    async catalogue(slug) {
      return mergedCatalogue(app.db, await surveyId(slug));
    },
    async report(slug, audience, filters) {
      const id = await surveyId(slug);
      const [catalogue, data] = await Promise.all([mergedCatalogue(app.db, id), loadAggregates(app.db, id)]);
      // the survey's own profile for this audience where a researcher uploaded one, as in the API
      return buildReport({ catalogue, data, profile: await profileFor(app.db, id, audience), minGroupSize: config.minGroupSize, filters });
    },
    async *responses(slug, options = {}) {
      const id = await surveyId(slug);
      const versionIds = options.versions ? new Set<number>() : undefined;
      if (options.versions) {
        const { surveyVersionCatalogues } = await import('./export/source.ts');
        for (const v of await surveyVersionCatalogues(app.db, id)) if (options.versions.includes(v.version)) versionIds?.add(v.id);
      }
      for await (const r of responseRecords(app.db, id, options.status ?? 'complete')) {
        if (options.segments && !options.segments.includes(r.segment)) continue;
        if (options.linkLabels && !options.linkLabels.includes(r.linkLabel ?? '')) continue;
        if (versionIds && !versionIds.has(r.versionId)) continue;
        yield r;
      }
    },
    close: () => app.close(),
  };
}
