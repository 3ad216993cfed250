import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { heapFlagsGiven, tuneHeap } from "./heap.js";

const HEAP_JS = fileURLToPath(new URL("../../dist/cli/heap.js", import.meta.url));

/**
 * A child process that allocates like the engine (records that survive a while, in tasks of a few thousand),
 * with the heap mode given (or none), and reports the largest young generation it saw.
 */
function largestNewSpace(mode: "compact" | "default" | "none"): number {
  const script = `
import v8 from "node:v8";
import { setImmediate as tick } from "node:timers/promises";
if (${JSON.stringify(mode)} !== "none") {
  const { tuneHeap } = await import(${JSON.stringify(HEAP_JS)});
  tuneHeap(${JSON.stringify(mode)}, [], undefined);
}
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size;
let max = 0;
const ring = new Array(100_000);
for (let round = 0; round < 12; round++) {
  for (let i = 0; i < ring.length; i++) {
    ring[i] = { i, round, text: "record " + i + " of round " + round };
    if (i % 2000 === 0) { max = Math.max(max, newSpace()); await tick(); }
  }
}
process.stdout.write(String(max));
`;
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
}

describe("heap tuning", () => {
  it("sees the operator's own V8 heap flags, in node's arguments or NODE_OPTIONS", () => {
    expect(heapFlagsGiven([], undefined)).toBe(false);
    expect(heapFlagsGiven(["--enable-source-maps"], "--trace-warnings")).toBe(false);
    expect(heapFlagsGiven(["--max-old-space-size=512"], undefined)).toBe(true);
    expect(heapFlagsGiven([], "--trace-warnings --max-semi-space-size=4")).toBe(true);
    expect(heapFlagsGiven([], "--heap-growing-percent=50")).toBe(true);
  });

  it("changes nothing in default mode or when the operator chose flags", () => {
    expect(tuneHeap("default", [], undefined)).toBeUndefined();
    expect(tuneHeap("compact", ["--max-semi-space-size=4"], undefined)).toBeUndefined();
  });

  it("compact mode holds the young generation at 16 MB where V8 alone grows it to 32 MB", () => {
    const MB = 1024 * 1024;
    expect(largestNewSpace("none")).toBeGreaterThan(16 * MB);
    expect(largestNewSpace("default")).toBeGreaterThan(16 * MB);
    expect(largestNewSpace("compact")).toBeLessThanOrEqual(16 * MB);
  });
});
