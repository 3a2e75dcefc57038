// CPU time of processes, read from Linux's /proc: a process the bench started (startup.ts), and
// the local PostgreSQL server's processes, which with the app's own CPU time and the load
// generator's show where a request's CPU goes on this machine (ingest.ts). Null where /proc is
// missing (not Linux) or the process is gone.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A process's command name and user + system CPU milliseconds (all threads), or null. */
export function processCpu(pid: number | string): { name: string; cpuMs: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // pid (comm) state … : comm may hold spaces and parentheses, so fields are counted after the last ')'
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return { name: stat.slice(stat.indexOf('(') + 1, close), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
}

/** The user + system CPU milliseconds of all processes named `postgres` alive now, or null. */
export function postgresCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let ms = 0;
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    const cpu = processCpu(pid); // null: gone meanwhile
    if (cpu?.name === 'postgres') ms += cpu.cpuMs;
  }
  return ms;
}
