/**
 * Lets the event loop run while a lane maps a chunk of records: a lane maps synchronously, record after
 * record, and a chunk of records that each run to their budget (mapping/budget.ts) would otherwise hold
 * the process for their sum; yielding once the chunk has run YIELD_AFTER_MS keeps SIGTERM, `/metrics` and
 * the other lanes answering.
 */
import { setImmediate as nextTurn } from "node:timers/promises";

/** How long mapping may hold the event loop before it gives it back. */
export const YIELD_AFTER_MS = 50;

class MappingPacer {
  private since = performance.now();

  /** Whether mapping has held the event loop long enough to yield (cheap: one clock read). */
  due(): boolean {
    return performance.now() - this.since >= YIELD_AFTER_MS;
  }

  /** Gives the event loop a turn (timers, I/O, signals), then starts counting again. */
  async yield(): Promise<void> {
    await nextTurn();
    this.since = performance.now();
  }
}

/**
 * One for the process: every lane maps on the same event loop, so what counts is how long mapping has held
 * it since any lane last gave it back.
 */
export const mappingPacer = new MappingPacer();
