/** Per-SIEM-mapping counters for the run summary. */
import type { Stage } from "../metrics.js";

export type LaneStats = Record<Stage, number>;

export function emptyStats(): LaneStats {
  return { pulled: 0, filtered: 0, mapped: 0, deduplicated: 0, sent: 0, deadlettered: 0 };
}

export function formatSummary(
  rows: { name: string; stats: LaneStats }[],
  extra: { rejected: number },
): string {
  const header = [
    "SIEM mapping",
    "pulled",
    "filtered out",
    "mapped",
    "deduplicated",
    "sent",
    "dead-lettered",
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
    ].map(String),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
  out.push(`malformed input kept as dead letters: ${extra.rejected}`);
  return out.join("\n") + "\n";
}
