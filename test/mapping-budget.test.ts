/**
 * Runaway mappings in a real `logshipper run` (issue 12, item 5): records whose mapping would loop for ever,
 * recurse past the stack or allocate a huge range are dead-lettered at the `mapping` stage with their code,
 * and the good records around them are delivered; while a lane chews through such records, `/metrics`
 * answers and SIGTERM stops the process promptly, leaving the records not reached buffered for the next run.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePorts } from "@logshipper/plugin-syslog/testing";
import { readOutputRecords, runCli, startCli, tempDir, writeConfig } from "./helpers.js";

/** What a run with dead letters may exit with: 0, or 3 once dead letters have their own exit code. */
const EXITS_WITH_DEAD_LETTERS = [0, 3];

const MAPPING = `/* test mapping: misbehaves on purpose, by the record's kind */
kind = "loop" ? ($f := function($x) { $f($x) }; $f(1))
: kind = "deep" ? ($g := function($n) { $n = 0 ? 0 : 1 + $g($n - 1) }; $g(100000000))
: kind = "range" ? $count([1..1e7].[1..1e7])
: { "id": _id, "kind": kind, "evil": $contains(user, /^(a+)+$/) }
`;

function setUp(kinds: string[], budget = ""): { dir: string; config: string } {
  const dir = tempDir();
  const lines = kinds.map((kind, i) =>
    JSON.stringify({ _id: `r${i}-${kind}`, kind, user: `${"a".repeat(40)}!` }),
  );
  fs.writeFileSync(path.join(dir, "in.ndjson"), `${lines.join("\n")}\n`);
  fs.writeFileSync(path.join(dir, "m.jsonata"), MAPPING);
  const config = writeConfig(
    dir,
    `
state: { dir: state }
sources:
  src: { plugin: file, path: in.ndjson, recordType: event, idField: _id }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: src, destination: out, mapping: m.jsonata${budget} }
`,
  );
  return { dir, config };
}

interface DeadLetter {
  stage: string;
  recordId: string;
  code: string;
  reason: string;
}

async function deadLetters(config: string): Promise<DeadLetter[]> {
  const r = await runCli(["deadletter", "list", "-c", config, "--json", "--limit", "1000"]);
  expect(r.code).toBe(0);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DeadLetter);
}

function delivered(dir: string): string[] {
  return (readOutputRecords(path.join(dir, "out")) as { id: string }[]).map((r) => r.id).sort();
}

/** GET `url`; resolves with the status, or rejects (no answer within `timeoutMs`). */
function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume().on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** Waits for the server to listen; a request it accepts but does not answer within a second fails. */
async function untilAnswered(url: string): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await get(url, 1000)) === 200) return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ECONNREFUSED" || Date.now() > end) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The longest time `/metrics` took to answer, asked one request after another for `windowMs`. */
async function slowestAnswer(url: string, windowMs: number): Promise<number> {
  let slowest = 0;
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    const asked = Date.now();
    expect(await get(url, 10_000)).toBe(200);
    slowest = Math.max(slowest, Date.now() - asked);
    await new Promise((r) => setTimeout(r, 50));
  }
  return slowest;
}

describe("runaway mappings", () => {
  it("are dead-lettered with their code, and the good records are delivered", async () => {
    const { dir, config } = setUp(["good", "loop", "deep", "range", "regex", "good"]);
    const r = await runCli(["run", "--once", "-c", config]);
    expect(EXITS_WITH_DEAD_LETTERS).toContain(r.code);
    expect(delivered(dir)).toEqual(["r0-good", "r4-regex", "r5-good"]);
    const dead = await deadLetters(config);
    expect(dead.map((d) => [d.recordId, d.stage, d.code]).sort()).toEqual([
      ["r1-loop", "mapping", "LS_ERR_MAPPING_BUDGET"],
      ["r2-deep", "mapping", "LS_ERR_MAPPING_BUDGET"],
      ["r3-range", "mapping", "LS_ERR_MAPPING_SIZE"],
    ]);
  });

  it("leave /metrics answering and SIGTERM prompt; what was not reached is mapped by the next run", async () => {
    // 60 records at a budget of 100 ms (the option of the SIEM mapping): 6 s of mapping in one chunk.
    const loops = 60;
    const kinds = ["good", ...Array.from({ length: loops }, () => "loop"), "good"];
    const [port] = (await freePorts(1)) as [number];
    const { dir, config } = setUp(kinds, ", budget: { maxTime: 100ms }");
    const { child, done } = startCli(["run", "-c", config, "--metrics-port", String(port)]);
    const metrics = `http://127.0.0.1:${port}/metrics`;
    try {
      await untilAnswered(metrics);
      // The lane is inside the runaway records from now on: /metrics keeps answering (generous bounds).
      const slowest = await slowestAnswer(metrics, 2000);
      expect(slowest).toBeLessThan(1000);
      const signalled = Date.now();
      child.kill("SIGTERM");
      const result = await done;
      expect(Date.now() - signalled).toBeLessThan(2000);
      expect(result.signal).toBeNull();
      expect(result.stderr).not.toMatch(/Maximum call stack|heap out of memory/);
    } finally {
      child.kill("SIGKILL");
    }
    // The good record before the runaways was delivered at shutdown.
    expect(delivered(dir)).toEqual(["r0-good"]);
    const firstDead = (await deadLetters(config)).length;
    expect(firstDead).toBeLessThan(loops);

    // The next run maps the rest: every runaway dead-lettered once, the last good record delivered.
    const again = await runCli(["run", "--once", "-c", config]);
    expect(EXITS_WITH_DEAD_LETTERS).toContain(again.code);
    expect(delivered(dir)).toEqual(["r0-good", `r${loops + 1}-good`]);
    const dead = await deadLetters(config);
    expect(dead).toHaveLength(loops);
    expect(new Set(dead.map((d) => d.code))).toEqual(new Set(["LS_ERR_MAPPING_BUDGET"]));
    expect(dead[0]!.reason).toContain("100 ms");
  });
});
