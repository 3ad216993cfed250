/**
 * Invalid UTF-8 in source files (issue 12): still decoded with U+FFFD, but counted in
 * `logshipper_invalid_utf8_total{source}` and logged once per file with the line of its first occurrence.
 * A real `logshipper run` over real files, its metrics read over HTTP.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readOutputRecords, startCli, tempDir, writeConfig } from "./helpers.js";

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d: string) => (body += d));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An NDJSON line whose `user` holds the bytes given (0xff and a lone continuation byte are never UTF-8). */
function line(n: number, user: Buffer = Buffer.from("alice")): Buffer {
  return Buffer.concat([Buffer.from(`{"n":${n},"user":"`), user, Buffer.from(`"}\n`)]);
}

describe("invalid UTF-8 in a source file", () => {
  it("is counted per source and logged once per file with the line of its first occurrence", async () => {
    const dir = tempDir();
    const bad = Buffer.from([0x62, 0xff, 0x6f, 0x80, 0x62]);
    fs.mkdirSync(path.join(dir, "in"));
    fs.writeFileSync(
      path.join(dir, "in/a.ndjson"),
      Buffer.concat([line(1), line(2, bad), line(3), line(4, bad)]),
    );
    // A bad line that is also malformed JSON: a dead letter, counted all the same.
    fs.writeFileSync(path.join(dir, "in/b.ndjson"), Buffer.concat([line(5), Buffer.from([0xc3, 0x0a])]));
    // U+FFFD written as valid UTF-8 is not invalid.
    fs.writeFileSync(path.join(dir, "in/c.ndjson"), line(6, Buffer.from("\uFFFD", "utf8")));
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  src: { plugin: file, path: in, recordType: event, interval: 1s }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: src, destination: out }
`,
    );
    const { child, done } = startCli(["run", "-c", config, "--metrics-port", "0"]);
    let stderr = "";
    child.stderr!.on("data", (d: string) => (stderr += d));
    try {
      const metricsUrl = await waitFor("the metrics address in the log", () => {
        const found = stderr.split("\n").find((l) => l.includes('"metrics served"'));
        return found ? (JSON.parse(found) as { metrics: string }).metrics : undefined;
      });
      const metrics = await waitFor("every record mapped", async () => {
        const text = await get(metricsUrl);
        return text.includes('logshipper_records_total{stage="mapped",siem_mapping="src.All.out"} 6')
          ? text
          : undefined;
      });
      expect(metrics).toContain('logshipper_invalid_utf8_total{source="src"} 3');
    } finally {
      child.kill("SIGTERM");
      await done;
    }
    const reports = stderr
      .split("\n")
      .filter((l) => l.includes("invalid UTF-8"))
      .map((l) => JSON.parse(l) as { object: string; origin: string });
    expect(reports.map((r) => [r.object, r.origin]).sort()).toEqual([
      ["in/a.ndjson", "in/a.ndjson:2"],
      ["in/b.ndjson", "in/b.ndjson:2"],
    ]);
    const users = (readOutputRecords(path.join(dir, "out")) as { n: number; user: string }[])
      .sort((x, y) => x.n - y.n)
      .map((r) => r.user);
    expect(users).toEqual(["alice", "b\uFFFDo\uFFFDb", "alice", "b\uFFFDo\uFFFDb", "alice", "\uFFFD"]);
  });
});
