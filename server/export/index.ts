// One export: columns from all versions' catalogues, rows streamed from the database in `seq`
// order, written in the chosen format. Used by `befund export` and the export route alike.
import type { Writable } from 'node:stream';
import type { Db } from '../db/client.ts';
import { codebookRows } from './codebook.ts';
import { type Cell, exportColumns, type Labels, rowCells, versionIndex } from './columns.ts';
import { codebookCsv, writeCsv } from './csv.ts';
import { writeNdjson } from './json.ts';
import { writeSav } from './sav.ts';
import { exportBound, responseRecords, type StatusFilter, surveyVersionCatalogues } from './source.ts';
import { writeXlsx } from './xlsx.ts';

export const FORMATS = ['csv', 'xlsx', 'sav', 'json'] as const;
export type ExportFormat = (typeof FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  sav: 'application/x-spss-sav',
  json: 'application/x-ndjson; charset=utf-8',
};

export const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', xlsx: 'xlsx', sav: 'sav', json: 'ndjson' };

export interface ExportOptions {
  format: ExportFormat;
  labels: Labels;
  status: StatusFilter;
  locale: 'de' | 'en';
  /** Called after each row, e.g. for a progress bar. */
  onRow?: () => void;
}

export interface ExportSurvey {
  id: number;
  slug: string;
  title: string;
}

/** Prepares an export: the columns and the codebook are known before any row is read. */
export async function prepareExport(db: Db, survey: ExportSurvey, options: ExportOptions) {
  const versions = await surveyVersionCatalogues(db, survey.id);
  const columns = exportColumns(versions);
  const index = versionIndex(versions);
  const codebook = codebookRows(columns, versions, options.locale);
  async function* rows(upTo: number): AsyncGenerator<Cell[]> {
    for await (const r of responseRecords(db, survey.id, options.status, 1000, upTo)) {
      yield rowCells(columns, index, r);
      options.onRow?.();
    }
  }
  /** Writes the data to `out` (not ending it for csv/json/sav; xlsx ends it); returns the row count. */
  async function write(out: Writable): Promise<number> {
    // Responses arriving during the export are left for the next one.
    const bound = await exportBound(db, survey.id, options.status);
    switch (options.format) {
      case 'csv':
        return writeCsv(out, columns, rows(bound.upTo), options);
      case 'json':
        return writeNdjson(out, columns, rows(bound.upTo), options);
      case 'sav':
        return writeSav(out, columns, rows(bound.upTo), { locale: options.locale, fileLabel: survey.title, cases: bound.count });
      case 'xlsx':
        return writeXlsx(out, columns, rows(bound.upTo), codebook, options);
    }
  }
  return { columns, codebook, codebookCsv: () => codebookCsv(codebook, options.locale), write };
}
