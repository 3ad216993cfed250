/**
 * Outage: a destination fails with retryable errors (and partial results) for a while, then recovers.
 * Nothing is lost, nothing is duplicated, and memory stays bounded while the buffer grows on disk.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateAlerts, startCli, tempDir, TEST_PLUGIN, writeConfig } from "./helpers.js";

const RECORDS = 60_000;

describe("destination outage", () => {
  it(
    "retries until the destination recovers, then delivers everything once",
    { timeout: 300_000 },
    async () => {
      const dir = tempDir("ls-outage-");
      fs.writeFileSync(path.join(dir, "alerts.ndjson"), generateAlerts(RECORDS, 3));
      const control = path.join(dir, "down");
      fs.writeFileSync(control, "");
      const config = writeConfig(
        dir,
        `
state: { dir: state }
plugins: [${JSON.stringify(TEST_PLUGIN)}]
sources:
  alerts: { plugin: file, path: alerts.ndjson, recordType: alert, idField: _id }
destinations:
  flaky:
    plugin: test-flaky
    out: out/received.ndjson
    failWhile: down
    retry: { initialDelay: 20ms, maxDelay: 200ms }
siemMappings:
  - { source: alerts, destination: flaky }
`,
      );
      const { done } = startCli(["run", "--once", "-c", config], { env: { LOGSHIPPER_LOG_LEVEL: "info" } });
      await new Promise((r) => setTimeout(r, 4000));
      fs.rmSync(control);
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/send failed; retrying/);

      const lines = fs
        .readFileSync(path.join(dir, "out/received.ndjson"), "utf8")
        .split("\n")
        .filter(Boolean);
      const ids = lines.map((l) => (JSON.parse(l) as { _id: string })._id);
      expect(new Set(ids).size).toBe(RECORDS);
      expect(ids.length).toBe(RECORDS);

      const finished = result.stderr
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg?: string; maxRssBytes?: number })
        .find((l) => l.msg === "run finished");
      expect(finished?.maxRssBytes).toBeGreaterThan(0);
      expect(finished!.maxRssBytes!).toBeLessThan(400 * 1024 * 1024);
    },
  );
});
