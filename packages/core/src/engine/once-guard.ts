/**
 * What ends a `run --once` early, so that cron and CI get an answer instead of a run that retries forever:
 * - a destination pauses (a configuration-level failure: bad credentials, missing bucket): retrying cannot
 *   help until someone changes something, so the run stops at once;
 * - nothing moves for `onceTimeoutMs` (nothing read, mapped, delivered, deduplicated or dead-lettered): a
 *   destination that keeps failing. A long backfill that keeps moving is never cut.
 * The run then stops as on SIGTERM; what was not delivered stays buffered for the next run.
 */
import type { DestinationRuntime } from "./destination-runtime.js";
import type { Lane } from "./lane.js";

/** Under `--once`, a run that moves nothing for this long stops (`--once-timeout`). */
export const DEFAULT_ONCE_TIMEOUT_MS = 5 * 60_000;

/** Everything a lane has counted: it changes whenever the run moves. */
function progress(lanes: Lane[]): number {
  let n = 0;
  for (const { stats } of lanes)
    n += stats.pulled + stats.filtered + stats.mapped + stats.deduplicated + stats.sent + stats.deadlettered;
  return n;
}

/** Watches pauses and progress; calls `stop` with the reason once. Returns the function that ends the watch. */
export function guardOnceRun(options: {
  lanes: Lane[];
  destinations: Iterable<DestinationRuntime>;
  onceTimeoutMs: number;
  stop: (reason: string) => void;
}): () => void {
  const { lanes, onceTimeoutMs, stop } = options;
  const now = Date.now; // wall time, whatever clock the engine's records use
  let stopped = false;
  const stopOnce = (reason: string) => {
    if (stopped) return;
    stopped = true;
    stop(reason);
  };
  for (const dest of options.destinations)
    dest.onPause((reason) => stopOnce(`destination ${dest.name} paused: ${reason}`));
  let last = progress(lanes);
  let movedAt = now();
  const timer = setInterval(
    () => {
      const current = progress(lanes);
      if (current !== last) {
        last = current;
        movedAt = now();
      } else if (now() - movedAt >= onceTimeoutMs) {
        stopOnce(`nothing was delivered for ${onceTimeoutMs} ms (--once-timeout)`);
      }
    },
    Math.max(10, Math.min(1000, onceTimeoutMs / 4)),
  );
  // Not unref'd: a send that waits on nothing the event loop counts (a promise) must not end the process
  // before this guard has given the run its answer.
  return () => clearInterval(timer);
}
