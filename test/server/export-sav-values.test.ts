// Every value written to a .sav comes back out of PSPP unchanged: strings (cut at 255 bytes on a
// character boundary, umlauts, empty), numbers inside and outside the compression's one-byte
// range, decimals, missing values, and enough rows that the writer hands the file out in many
// chunks.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import type { Cell, ExportColumn } from '../../server/export/columns.ts';
import { writeSav } from '../../server/export/sav.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-sav-values-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

const column = (name: string, type: 'numeric' | 'string', meta = false): ExportColumn => ({
  name,
  key: name,
  meta,
  type,
  measure: type === 'numeric' ? 'scale' : 'text',
  level: type === 'numeric' ? 'scale' : 'nominal',
  label: { de: name, en: name },
  question: name,
  questionTitle: { de: name, en: name },
  values: [],
  versions: [1],
  pooled: false,
});
const columns = [column('response_id', 'string', true), column('anmerkung', 'string'), column('betrag', 'numeric')];

const strings = ['Grüße aus Köln', '', 'ä'.repeat(200), 'x'.repeat(255), 'acht8888', 'neun99999', '“Anführung” – Strich'];
const numbers = [2.5, -1_000_000, 1_000_000, 0, 151, 152, -99, -100, 1e-9, null];
const ROWS = 3000;
const rows: Cell[][] = Array.from({ length: ROWS }, (_, i) => [`r${i}`, strings[i % strings.length], numbers[i % numbers.length]]);

async function* each() {
  yield* rows;
}

/** What PSPP should read: strings cut to 255 bytes without splitting a character, trailing blanks dropped. */
function expectedString(s: string): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > 255) break;
    out += ch;
  }
  return out.trimEnd();
}

t.test('PSPP reads back every string and number written', async (t) => {
  const file = path.join(dir, 'values.sav');
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const written = await writeSav(sink, columns, each(), { locale: 'de', cases: ROWS });
  sink.end();
  t.equal(written, ROWS);
  t.ok(chunks.length > 3, `the file was handed out in ${chunks.length} chunks`);
  fs.writeFileSync(file, Buffer.concat(chunks));

  const csv = path.join(dir, 'values.csv');
  const syntax = path.join(dir, 'read.sps');
  fs.writeFileSync(syntax, `GET FILE='${file}'.\nSAVE TRANSLATE /OUTFILE='${csv}' /TYPE=CSV /FIELDNAMES /REPLACE /CELLS=VALUES /TEXTOPTIONS DELIMITER=';' QUALIFIER='"' DECIMAL=DOT.\n`);
  const log = execFileSync('pspp', [syntax], { encoding: 'utf8' });
  t.notMatch(log, /error|warning/i, 'PSPP reads the file without errors or warnings');
  const lines = fs.readFileSync(csv, 'utf8').replace(/\r/g, '').split('\n').filter(Boolean);
  t.equal(lines.length, ROWS + 1, 'a header and one line per row');

  const parse = (line: string) => [...line.matchAll(/("([^"]|"")*"|[^;]*)(;|$)/g)].slice(0, 3).map((m) => m[1].replace(/^"(.*)"$/s, '$1').replace(/""/g, '"'));
  let stringsOk = 0;
  let numbersOk = 0;
  const wrong: string[] = [];
  lines.slice(1).forEach((line, i) => {
    const [id, text, amount] = parse(line);
    const [, s, n] = rows[i];
    if (id !== `r${i}`) wrong.push(`row ${i}: id ${id}`);
    const want = expectedString(String(s));
    if (text.trimEnd() === want) stringsOk++;
    else wrong.push(`row ${i}: ${JSON.stringify(text)} ≠ ${JSON.stringify(want)}`);
    const read = amount.trim() === '' ? null : Number(amount);
    if (n === null ? read === null : read !== null && Math.abs(read - (n as number)) <= 1e-12 * Math.max(1, Math.abs(n as number))) numbersOk++;
    else wrong.push(`row ${i}: ${amount} ≠ ${String(n)}`);
  });
  t.same(wrong.slice(0, 10), [], 'no value differs');
  t.equal(stringsOk, ROWS, `${stringsOk} strings read back`);
  t.equal(numbersOk, ROWS, `${numbersOk} numbers read back`);
});
