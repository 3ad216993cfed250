/**
 * Logging of dead letters, aggregated: a source of bad records must not write one log line per record. The first
 * dead letter of each stage and code in an interval is logged whole at once; the others of that interval are
 * counted, and one line per stage and code at the end of the interval gives their number and the first of
 * them. Every record is still kept as a dead letter (`deadletter list`).
 */
import type { Logger } from "../sdk/types.js";

export const DEAD_LETTER_LOG_INTERVAL_MS = 10_000;

/** What a log line says about one dead letter. */
export interface DeadLetterNote {
  stage: string;
  code: string;
  origin?: string | null | undefined;
  recordId?: string | undefined;
  reason: string;
}

/** Dead letters of one stage and code counted (not logged) in the current interval. */
interface Group {
  count: number;
  first: DeadLetterNote | undefined;
}

export class DeadLetterLog {
  private readonly groups = new Map<string, Group>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = DEAD_LETTER_LOG_INTERVAL_MS,
  ) {}

  /** Log `note` with `message`, or count it when its stage and code were logged already in this interval. */
  note(note: DeadLetterNote, message: string): void {
    const key = `${note.stage}\u0000${note.code}`;
    const group = this.groups.get(key);
    if (!group) {
      this.groups.set(key, { count: 0, first: undefined });
      this.log.warn({ ...note, origin: note.origin ?? undefined }, message);
      this.timer ??= setTimeout(() => this.flush(), this.intervalMs).unref();
      return;
    }
    group.count++;
    group.first ??= note;
  }

  /** Log what was counted and start a new interval (at the end of each interval, and when the run stops). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const group of this.groups.values()) {
      const first = group.first;
      if (!first) continue;
      this.log.warn(
        {
          stage: first.stage,
          code: first.code,
          count: group.count,
          firstOrigin: first.origin ?? undefined,
          firstRecordId: first.recordId,
          firstReason: first.reason,
        },
        `${group.count} more record(s) dead-lettered at ${first.stage} with ${first.code}; see deadletter list`,
      );
    }
    this.groups.clear();
  }
}
