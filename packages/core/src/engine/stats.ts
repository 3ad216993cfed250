/** Per-SIEM-mapping counters for the run summary. */
import type { Stage } from "../metrics.js";

export type LaneStats = Record<Stage, number>;

export function emptyStats(): LaneStats {
  return { pulled: 0, filtered: 0, mapped: 0, deduplicated: 0, sent: 0, deadlettered: 0 };
}

export interface SummaryRow {
  name: string;
  stats: LaneStats;
  /** Records of the mapping's source still in the buffer after its cursor: sent on the next run. */
  undelivered?: number;
}

export function formatSummary(
  rows: SummaryRow[],
  extra: { rejected: number; stopReason?: string | undefined; nothingToRead?: string[] },
): string {
  const header = [
    "SIEM mapping",
    "pulled",
    "filtered out",
    "mapped",
    "deduplicated",
    "sent",
    "dead-lettered",
    "undelivered",
  ];
  const body = rows.map((r) => [
    r.name,
    ...[
      r.stats.pulled,
      r.stats.filtered,
      r.stats.mapped,
      r.stats.deduplicated,
      r.stats.sent,
      r.stats.deadlettered,
      r.undelivered ?? 0,
    ].map(String),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
  out.push(`malformed input kept as dead letters: ${extra.rejected}`);
  out.push(...outcomeLines(rows, extra));
  return out.join("\n") + "\n";
}

/** The lines under the table that say why a run did not settle everything (the exit code says which). */
function outcomeLines(
  rows: SummaryRow[],
  extra: { rejected: number; stopReason?: string | undefined; nothingToRead?: string[] },
): string[] {
  const out: string[] = [];
  const dead = rows.reduce((n, r) => n + r.stats.deadlettered, extra.rejected);
  const undelivered = rows.reduce((n, r) => n + (r.undelivered ?? 0), 0);
  if (dead > 0) out.push(`dead-lettered: ${dead} record(s) in all; see \`logshipper deadletter list\``);
  if (undelivered > 0)
    out.push(
      `undelivered: ${undelivered} record(s) stay buffered for the next run` +
        (extra.stopReason ? ` (stopped: ${extra.stopReason})` : ""),
    );
  for (const source of extra.nothingToRead ?? [])
    out.push(`nothing to read: source ${source} has found no input (a path that matches no file?)`);
  return out;
}
