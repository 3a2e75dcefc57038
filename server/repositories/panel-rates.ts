// Response rates of the partner panel, per segment and label, and completions by day: from the
// participant list and the participation table only, never from the answers.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export interface RateRow {
  segment: string;
  label: string | null;
  participants: number;
  invited: number;
  bounced: number;
  opened: number;
  partial: number;
  complete: number;
  optedOut: number;
  /** complete / invited (0 when none were invited). */
  rate: number;
}

export interface Rates {
  bySegment: (RateRow & { warning: string | null })[];
  byLabel: RateRow[];
  byDay: { day: string; segment: string; complete: number }[];
  minGroupSize: number;
}

type Raw = Record<string, string | number | null>;

function toRow(r: Raw): RateRow {
  const n = (k: string) => Number(r[k] ?? 0);
  const invited = n('invited');
  return {
    segment: String(r.segment),
    label: r.label === null || r.label === undefined ? null : String(r.label),
    participants: n('participants'),
    invited,
    bounced: n('bounced'),
    opened: n('opened'),
    partial: n('partial'),
    complete: n('complete'),
    optedOut: n('opted_out'),
    rate: invited ? Math.round((n('complete') / invited) * 1000) / 1000 : 0,
  };
}

/** The warning a segment gets while its complete answers stay below MIN_GROUP_SIZE. */
export function groupWarning(row: RateRow, k: number): string | null {
  if (row.complete >= k) return null;
  return `Segment ${row.segment}: erst ${row.complete} vollständige Antworten, weniger als ${k} — der Bericht blendet diese Gruppe aus, bis mindestens ${k} geantwortet haben. / only ${row.complete} complete answers, fewer than ${k}: the report hides this group until at least ${k} have answered.`;
}

export async function responseRates(db: Db, surveyId: number, minGroupSize: number): Promise<Rates> {
  const counts = (group: ReturnType<typeof sql>) => sql`
    select ${group}, count(*)::int as participants,
      count(*) filter (where p.invitation in ('sent', 'uncertain'))::int as invited,
      count(*) filter (where p.invitation = 'failed')::int as bounced,
      count(*) filter (where p.progress <> 'none' or pa.id is not null)::int as opened,
      count(*) filter (where p.progress = 'partial' and pa.id is null)::int as partial,
      count(pa.id)::int as complete,
      count(*) filter (where p.opted_out)::int as opted_out
    from participants p left join participation pa on pa.participant_id = p.id
    where p.survey_id = ${surveyId}`;
  const seg = (await db.execute(sql`${counts(sql`p.segment, null::text as label`)} group by p.segment order by p.segment`)) as unknown as { rows: Raw[] };
  const lab = (await db.execute(sql`${counts(sql`p.segment, p.label`)} group by p.segment, p.label order by p.segment, p.label nulls first`)) as unknown as { rows: Raw[] };
  const days = (await db.execute(sql`
    select pa.completed_on::text as day, p.segment, count(*)::int as complete
    from participation pa join participants p on p.id = pa.participant_id
    where pa.survey_id = ${surveyId} group by 1, 2 order by 1, 2`)) as unknown as { rows: { day: string; segment: string; complete: number }[] };
  return {
    bySegment: seg.rows.map(toRow).map((r) => ({ ...r, warning: groupWarning(r, minGroupSize) })),
    byLabel: lab.rows.map(toRow),
    byDay: days.rows.map((d) => ({ day: String(d.day), segment: String(d.segment), complete: Number(d.complete) })),
    minGroupSize,
  };
}
