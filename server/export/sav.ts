// SPSS system file (.sav) writer, after the format as PSPP documents it ("System File Format"):
// little-endian, bytecode-compressed, UTF-8 (character code 65001 and encoding record 7.20).
// Written: variable labels, value labels (≤120 bytes each), measurement level (record 7.11),
// long variable names (7.13), and user-missing values -99 "keine Antwort" and -98 "nicht
// gefragt" (a condition hid the question, or its version lacked it) for coded variables. Strings are at most 255 bytes (cut on a character
// boundary). The header states the case count the caller fixed before streaming (R's
// foreign::read.spss refuses -1, "unknown").
// No maintained npm package writes these features, hence this small writer.
import type { Writable } from 'node:stream';
import { type Cell, type ExportColumn, NOT_ASKED, text } from './columns.ts';
import { put } from './csv.ts';

export const NO_ANSWER = -99;
export const NOT_ASKED_CODE = -98;
const BIAS = 100;
const SYSMIS = -Number.MAX_VALUE;
const FMT_F = 5;
const FMT_A = 1;
const MEASURE = { nominal: 1, ordinal: 2, scale: 3 } as const;
const MISSING_LABELS = {
  de: { [NO_ANSWER]: 'keine Antwort', [NOT_ASKED_CODE]: 'nicht gefragt (Bedingung oder Version)' },
  en: { [NO_ANSWER]: 'no answer', [NOT_ASKED_CODE]: 'not asked (condition or version)' },
};

/** Grows a little-endian byte buffer. */
class Bytes {
  private chunks: Buffer[] = [];
  int(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.chunks.push(b);
  }
  double(n: number) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    this.chunks.push(b);
  }
  raw(b: Buffer) {
    this.chunks.push(b);
  }
  /** `s` in exactly `width` bytes, space-padded. */
  fixed(s: string, width: number) {
    const b = Buffer.alloc(width, 0x20);
    utf8(s, width).copy(b);
    this.chunks.push(b);
  }
  buffer() {
    return Buffer.concat(this.chunks);
  }
}

/** UTF-8 bytes of `s`, cut to at most `max` bytes without splitting a character. */
export function utf8(s: string, max: number): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

const format = (type: number, width: number, decimals: number) => (type << 16) | (width << 8) | decimals;

interface SavVar {
  col: ExportColumn;
  short: string;
  /** 0 numeric, else the string width in bytes (≤255). */
  width: number;
  coded: boolean;
}

export function savWidth(col: ExportColumn): number {
  if (col.type === 'numeric') return 0;
  const widths: Record<string, number> = { response_id: 36, segment: 40, status: 8, completed_on: 10 };
  return col.meta ? (widths[col.key] ?? 255) : 255;
}

function shortNames(columns: ExportColumn[]): string[] {
  const taken = new Set<string>();
  let counter = 1;
  return columns.map((c) => {
    let short = c.name.slice(0, 8).toUpperCase();
    while (taken.has(short)) short = `V${counter++}`;
    taken.add(short);
    return short;
  });
}

function dictionary(vars: SavVar[], locale: 'de' | 'en', fileLabel: string, cases: number): Buffer {
  const out = new Bytes();
  const segments = vars.reduce((n, v) => n + (v.width === 0 ? 1 : Math.ceil(v.width / 8)), 0);
  const now = new Date();
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  out.fixed('$FL2', 4);
  out.fixed('@(#) SPSS DATA FILE Befund export', 60);
  out.int(2); // layout code
  out.int(segments); // nominal case size
  out.int(1); // bytecode compression
  out.int(0); // no weight variable
  out.int(cases); // number of cases
  out.double(BIAS);
  out.fixed(`${two(now.getUTCDate())} ${months[now.getUTCMonth()]} ${two(now.getUTCFullYear() % 100)}`, 9);
  out.fixed(`${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}`, 8);
  out.fixed(fileLabel, 64);
  out.raw(Buffer.alloc(3));

  // Variable records (type 2); a string wider than 8 bytes continues in records of type -1.
  const index: number[] = [];
  let position = 1;
  for (const v of vars) {
    index.push(position);
    const fmt = v.width === 0 ? format(FMT_F, v.col.level === 'scale' && !v.coded ? 10 : 8, v.col.level === 'scale' && !v.coded ? 2 : 0) : format(FMT_A, v.width, 0);
    const label = utf8(text(v.col.label, locale), 255);
    out.int(2);
    out.int(v.width);
    out.int(1); // has a variable label
    out.int(v.coded ? 2 : 0);
    out.int(fmt);
    out.int(fmt);
    out.fixed(v.short, 8);
    out.int(label.length);
    const padded = Buffer.alloc(Math.ceil(label.length / 4) * 4, 0x20);
    label.copy(padded);
    out.raw(padded);
    if (v.coded) {
      out.double(NO_ANSWER);
      out.double(NOT_ASKED_CODE);
    }
    position++;
    for (let i = 1; i < Math.ceil(v.width / 8); i++) {
      out.int(2);
      out.int(-1);
      out.int(0);
      out.int(0);
      out.int(0);
      out.int(0);
      out.fixed('', 8);
      position++;
    }
  }

  // Value labels (type 3) with the variable they belong to (type 4), one pair per variable.
  vars.forEach((v, i) => {
    if (!v.coded) return;
    const labels = [
      ...v.col.values.map((c) => ({ code: c.code, label: text(c.label, locale) })),
      { code: NO_ANSWER, label: MISSING_LABELS[locale][NO_ANSWER] },
      { code: NOT_ASKED_CODE, label: MISSING_LABELS[locale][NOT_ASKED_CODE] },
    ];
    out.int(3);
    out.int(labels.length);
    for (const l of labels) {
      out.double(l.code);
      const bytes = utf8(l.label, 120);
      const entry = Buffer.alloc(Math.ceil((bytes.length + 1) / 8) * 8, 0x20);
      entry[0] = bytes.length;
      bytes.copy(entry, 1);
      out.raw(entry);
    }
    out.int(4);
    out.int(1);
    out.int(index[i]);
  });

  // 7.3 machine integer info: version, machine code, IEEE 754, compression, little-endian, UTF-8.
  extension(out, 3, 4, [1, 0, 0, -1, 1, 1, 2, 65001].map(int32));
  // 7.4 machine floating-point info: SYSMIS, HIGHEST, LOWEST.
  const lowest = Buffer.alloc(8);
  lowest.writeBigUInt64LE(0xffeffffffffffffen);
  extension(out, 4, 8, [double(SYSMIS), double(Number.MAX_VALUE), lowest]);
  // 7.11 display parameters: measurement level, column width, alignment (left 0, right 1).
  extension(
    out,
    11,
    4,
    vars.flatMap((v) => [int32(MEASURE[v.col.level]), int32(Math.min(Math.max(v.col.name.length, 8), 40)), int32(v.width === 0 ? 1 : 0)]),
  );
  // 7.13 long variable names, 7.20 character encoding.
  extension(out, 13, 1, [Buffer.from(vars.map((v) => `${v.short}=${v.col.name}`).join('\t'), 'utf8')]);
  extension(out, 20, 1, [Buffer.from('UTF-8', 'ascii')]);
  out.int(999);
  out.int(0);
  return out.buffer();
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

function double(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
}

/** An extension record (type 7): `size` bytes per element, count = bytes / size. */
function extension(out: Bytes, subtype: number, size: number, parts: Buffer[]) {
  const data = Buffer.concat(parts);
  out.int(7);
  out.int(subtype);
  out.int(size);
  out.int(data.length / size);
  out.raw(data);
}

/**
 * Bytecode compression: blocks of 8 command bytes, each followed by the 8-byte literals they
 * announce. Written straight into one reused buffer: a small Buffer per value made the
 * garbage of 100,000 rows add ~190 MB to the process before the collector caught up.
 */
class Compressor {
  private buf = Buffer.alloc(128 * 1024);
  /** Bytes written. */
  private end = 0;
  /** Where the current block's command bytes are, and how many are used. */
  private block = 0;
  private used = 8;
  /** Bytes of complete blocks, ready to be taken. */
  get size() {
    return this.used === 8 ? this.end : this.block;
  }
  number(n: number | null) {
    if (n === null || !Number.isFinite(n)) return this.command(255);
    if (Number.isInteger(n) && n >= 1 - BIAS && n <= 251 - BIAS) return this.command(n + BIAS);
    this.command(253);
    this.buf.writeDoubleLE(n, this.end);
    this.end += 8;
  }
  string(s: string, width: number) {
    const bytes = utf8(s, width);
    for (let i = 0; i < Math.ceil(width / 8) * 8; i += 8) {
      if (i >= bytes.length) {
        this.command(254); // eight spaces
        continue;
      }
      this.command(253);
      this.buf.fill(0x20, this.end, this.end + 8);
      bytes.copy(this.buf, this.end, i, Math.min(i + 8, bytes.length));
      this.end += 8;
    }
  }
  /** One command byte; a literal, if any, is written right after by the caller. */
  private command(code: number) {
    if (this.end + 16 > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    if (this.used === 8) {
      this.block = this.end;
      this.buf.fill(0, this.end, this.end + 8); // unused command bytes stay 0 (padding)
      this.end += 8;
      this.used = 0;
    }
    this.buf[this.block + this.used++] = code;
  }
  /** The complete blocks written so far (all of it with `all`, padding the last block). */
  take(all = false): Buffer {
    const upto = all ? this.end : this.size;
    const out = Buffer.from(this.buf.subarray(0, upto));
    this.buf.copy(this.buf, 0, upto, this.end);
    this.end -= upto;
    this.block -= upto;
    if (all) this.used = 8;
    return out;
  }
}

export interface SavOptions {
  locale: 'de' | 'en';
  fileLabel?: string;
  /** The number of rows that will follow; -1 ("unknown") only when nobody can know it. */
  cases?: number;
}

export async function writeSav(out: Writable, columns: ExportColumn[], rows: AsyncIterable<Cell[]>, options: SavOptions): Promise<number> {
  const shorts = shortNames(columns);
  const vars: SavVar[] = columns.map((col, i) => ({ col, short: shorts[i], width: savWidth(col), coded: col.type === 'numeric' && col.values.length > 0 }));
  await put(out, dictionary(vars, options.locale, options.fileLabel ?? '', options.cases ?? -1));
  const z = new Compressor();
  let n = 0;
  for await (const cells of rows) {
    cells.forEach((cell, i) => {
      const v = vars[i];
      if (v.width > 0) z.string(typeof cell === 'string' ? cell : cell === null || cell === NOT_ASKED ? '' : String(cell), v.width);
      else if (cell === NOT_ASKED) z.number(v.coded ? NOT_ASKED_CODE : null);
      else if (cell === null) z.number(v.coded ? NO_ANSWER : null);
      else z.number(typeof cell === 'number' ? cell : Number(cell));
    });
    n++;
    if (z.size > 64 * 1024) await put(out, z.take());
  }
  await put(out, z.take(true));
  return n;
}
