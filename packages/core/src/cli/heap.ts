/**
 * Heap tuning for `logshipper run` (`--heap compact`, the default). V8 sizes its heap for throughput alone: it
 * lets the old generation grow to 2-4x what is live before a full collection, and the young generation to
 * 2 x 16 MB. A shipper allocates fast and keeps little (a batch or two), so most of that is headroom: here it
 * is about a quarter of the peak RSS. Compact mode lowers the old generation's growth step to 30% and keeps
 * the young generation at 2 x 8 MB, for about a quarter less peak RSS at 3-5% of throughput (docs/performance.md).
 *
 * V8 takes the young generation's maximum only at start-up (`--max-semi-space-size`), so the cap is held by
 * its growth factor instead: new space grows (doubling) while it is under the cap and stops there; if V8
 * shrinks it while idle, it grows again under load. The size is looked at after every collection (a `gc`
 * performance entry, delivered at the next turn of the event loop), not on a timer: with a timer, a batch that
 * allocated fast enough could pass the cap and grow once more before the next look. Operators who set V8 heap flags themselves
 * (NODE_OPTIONS or node's own arguments) keep theirs, and `--heap default` leaves V8 as it is.
 */
import v8 from "node:v8";
import { PerformanceObserver } from "node:perf_hooks";

export type HeapMode = "compact" | "default";

/** Old generation growth step between full collections, in percent (V8's own is dynamic, up to 300%). */
const HEAP_GROWING_PERCENT = 30;
/** Young generation cap: both semi-spaces together. */
const NEW_SPACE_CAP_BYTES = 16 * 1024 * 1024;

const HEAP_FLAGS =
  /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|heap-growing-percent|max-old-space-size|optimize-for-size)\b/;

/** Whether the operator already chose V8 heap settings for this process. */
export function heapFlagsGiven(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((a) => HEAP_FLAGS.test(a)) || HEAP_FLAGS.test(nodeOptions ?? "");
}

function newSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

/**
 * Apply the heap mode; returns a function that stops holding the cap. Returns undefined when nothing was changed
 * (default mode, or the operator's own flags).
 */
export function tuneHeap(
  mode: HeapMode,
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): (() => void) | undefined {
  if (mode === "default" || heapFlagsGiven(execArgv, nodeOptions)) return undefined;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let growing = true;
  const hold = () => {
    const atCap = newSpaceBytes() >= NEW_SPACE_CAP_BYTES;
    if (atCap === !growing) return;
    growing = !atCap;
    v8.setFlagsFromString(`--semi-space-growth-factor=${growing ? 2 : 1}`);
  };
  hold();
  // A look costs about a microsecond; young collections come every few megabytes allocated.
  const afterCollections = new PerformanceObserver(hold);
  afterCollections.observe({ entryTypes: ["gc"] });
  return () => {
    afterCollections.disconnect();
    if (!growing) v8.setFlagsFromString("--semi-space-growth-factor=2");
  };
}
