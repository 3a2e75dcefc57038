// Tables on the terminal, JSON under bench/results/ (git-ignored), and goals with their margin.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface Goal {
  /** What is promised, in words: "validated req/s ≥ 70 % of baseline". */
  goal: string;
  /** What was measured, in words. */
  measured: string;
  met: boolean;
  /** How far off (or how much room), in words. */
  margin: string;
}

export interface BenchResult {
  id: string;
  title: string;
  goals: Goal[];
  /** Any structured figures; written as-is to the JSON file. */
  figures: Record<string, unknown>;
}

/** `at most`: a smaller measured value is better; `at least`: a larger one is. */
export function goal(text: string, measured: number, limit: number, kind: 'at most' | 'at least', unit: string, digits = 0): Goal {
  const met = kind === 'at most' ? measured <= limit : measured >= limit;
  const fmt = (v: number) => `${v.toFixed(digits)}${unit}`;
  const factor = kind === 'at most' ? measured / limit : limit / measured;
  const margin = met
    ? `met, ${fmt(Math.abs(limit - measured))} to spare`
    : `missed by ${fmt(Math.abs(measured - limit))} (${factor.toFixed(1)}× off)`;
  return { goal: text, measured: fmt(measured), met, margin };
}

export function table(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function goalTable(results: BenchResult[]): string {
  const rows = results.flatMap((r) => r.goals.map((g) => [`${r.id}: ${g.goal}`, g.measured, g.met ? 'yes' : 'NO', g.margin]));
  return table('Goals', ['goal', 'measured', 'met', 'margin'], rows);
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export function writeResult(result: BenchResult, extra: Record<string, unknown> = {}): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const body = `${JSON.stringify({ ...result, machine: machine(), at: new Date().toISOString(), ...extra }, null, 2)}\n`;
  const file = path.join(RESULTS_DIR, `${result.id}-${stamp}.json`);
  writeFileSync(file, body);
  writeFileSync(path.join(RESULTS_DIR, `${result.id}-latest.json`), body);
  return file;
}

export const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
export const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
export const num = (v: number) => Math.round(v).toLocaleString('en-US');
