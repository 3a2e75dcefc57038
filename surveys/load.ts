// Reads a folder of SurveyJS definitions. Each `*.json` file becomes either a parsed definition
// with its slug, or an error that names the file and the line and column of broken JSON.
// One broken file never stops the others.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { jsonErrorOffset } from './json-position.ts';

export type LoadedDefinition =
  | {
      ok: true;
      file: string;
      slug: string;
      definition: Record<string, unknown>;
    }
  | { ok: false; file: string; slug: string; error: string };

const SKIPPED = 'die Umfrage wird übersprungen';

/** Loads every `*.json` file in `dir`, sorted by file name. */
export async function loadDefinitions(dir: string): Promise<LoadedDefinition[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map((n) => loadDefinitionFile(join(dir, n))));
}

/** Loads one definition file; never throws for bad content or an unreadable file. */
export async function loadDefinitionFile(file: string): Promise<LoadedDefinition> {
  const slug = basename(file).replace(/\.json$/, '');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unbekannt';
    return {
      ok: false,
      file,
      slug,
      error: `${file}: Datei nicht lesbar (${code}) – ${SKIPPED}`,
    };
  }
  return parseDefinition(file, slug, text);
}

/** Parses definition text; `file` is only used in messages. */
export function parseDefinition(file: string, slug: string, text: string): LoadedDefinition {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // tolerate a BOM
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    const offset = jsonErrorOffset(source);
    const { line, column } = lineAndColumn(source, offset);
    const error = `${file}: ungültiges JSON in Zeile ${line}, Spalte ${column} (${describe(source, offset)}) – ${SKIPPED}`;
    return { ok: false, file, slug, error };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const error = `${file}: keine Umfrage-Definition, erwartet wird ein JSON-Objekt { … } – ${SKIPPED}`;
    return { ok: false, file, slug, error };
  }
  return { ok: true, file, slug, definition: value as Record<string, unknown> };
}

// V8's messages differ between Node versions and often carry no position, so we find the
// offset of the first error ourselves with a small JSON scanner.
/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function describe(text: string, offset: number): string {
  if (text.trim() === '') return 'die Datei ist leer';
  if (offset >= text.length) return 'die Datei endet, bevor die Definition vollständig ist';
  const ch = text[offset];
  if (ch === '\n' || ch === '\r') return 'unerwartetes Zeilenende';
  return `unerwartetes Zeichen „${ch}“`;
}
