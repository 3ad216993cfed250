/** Dead letters are logged aggregated (dead-letter-log.ts): the first of each stage and code, then counts. */
import { describe, expect, it } from "vitest";
import { Redactor, createLogger } from "../log.js";
import { DeadLetterLog } from "./dead-letter-log.js";

function collectingLog(): { log: DeadLetterLog; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    redactor: new Redactor(),
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  // An interval no test reaches: flush() ends it.
  return { log: new DeadLetterLog(logger, 3_600_000), lines };
}

describe("DeadLetterLog", () => {
  it("logs the first dead letter of each stage and code whole, and one count line for the rest", () => {
    const { log, lines } = collectingLog();
    for (let i = 1; i <= 1000; i++)
      log.note({ stage: "ingest", code: "LS_ERR_A", origin: `f:${i}`, reason: "bad" }, "malformed");
    log.note({ stage: "mapping", code: "LS_ERR_B", recordId: "r1", reason: "failed" }, "mapping failed");
    expect(lines.map((l) => l.msg)).toEqual(["malformed", "mapping failed"]);
    expect(lines[0]).toMatchObject({ stage: "ingest", code: "LS_ERR_A", origin: "f:1" });
    log.flush();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ stage: "ingest", code: "LS_ERR_A", count: 999, firstOrigin: "f:2" });
    // A new interval: the next one is logged whole again; nothing more to count.
    log.note({ stage: "ingest", code: "LS_ERR_A", origin: "f:1001", reason: "bad" }, "malformed");
    log.flush();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ origin: "f:1001", msg: "malformed" });
  });
});
