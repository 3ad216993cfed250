/**
 * End to end through the real CLI: file source -> rule -> default Netskope mapping -> `cloudtrail-lake`, against
 * the loopback CloudTrail Lake (SigV4 checked with the secret the child process gets from its environment).
 *
 * 1. Setup checks: `validate --connect`, `test-destination`, `run --once`, then the Lake query users run.
 * 2. Restarts, SIGKILLs and injected faults (throttling, 5xx, dropped connections, slow answers, per-event
 *    Throttling / InternalFailure, events CloudTrail always refuses): every record is accepted exactly once,
 *    except the records of the batch in flight at a SIGKILL, which may be accepted twice (CloudTrail has no
 *    idempotency key). That bound is checked exactly: a record accepted twice was first accepted during a
 *    killed run, among that run's last `maxBatchRecords` acceptances.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startFakeLake,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  type FakeLake,
} from "@logshipper/plugin-cloudtrail-lake/testing";
import { generateAlerts, runCli, startCli, tempDir, writeConfig } from "./helpers.js";

const ACCOUNT = "123456789012";
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:channel/e2e-channel`;
const EXTERNAL_ID = "logshipper-e2e";
/** Events CloudTrail refuses (per event, permanently): dead-lettered, never accepted. */
const POISON = "rule 13";
const CONCURRENCY = 2;
const MAX_BATCH_RECORDS = 100 * CONCURRENCY;

const env = {
  AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
  AWS_CONFIG_FILE: "/nonexistent",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  LAKE_EXTERNAL_ID: EXTERNAL_ID,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  LOGSHIPPER_LOG_LEVEL: "warn",
};

let lake: FakeLake;
beforeAll(async () => {
  lake = await startFakeLake({
    channels: [{ arn: ARN, externalId: EXTERNAL_ID, eventDataStore: "eds-e2e" }],
    rejectEvent: (e) =>
      (e.additionalEventData as { alert_name?: string } | undefined)?.alert_name === POISON
        ? { errorCode: "InvalidEventSource", errorMessage: "event source not allowed on this channel" }
        : undefined,
  });
});
afterAll(() => lake.close());

function setup(
  records: number,
  seed: number,
): { dir: string; config: string; ids: string[]; poison: Set<string> } {
  const dir = tempDir("ls-lake-e2e-");
  const text = generateAlerts(records, seed);
  fs.writeFileSync(path.join(dir, "alerts.ndjson"), text);
  const alerts = text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { _id: string; alert_name: string });
  const config = writeConfig(
    dir,
    `
state: { dir: state }
sources:
  alerts: { plugin: file, path: alerts.ndjson, recordType: alert, subtypeField: alert_type, idField: _id, timeField: timestamp }
destinations:
  lake:
    plugin: cloudtrail-lake
    channelArn: ${ARN}
    externalId: \${LAKE_EXTERNAL_ID}
    endpoint: ${lake.url}
    controlEndpoint: ${lake.url}
    additionalData: true
    concurrency: ${CONCURRENCY}
    timeout: 2s
    retry: { initialDelay: 20ms, maxDelay: 300ms, pauseDelay: 300ms }
siemMappings:
  - { source: alerts, destination: lake }
`,
  );
  return {
    dir,
    config,
    ids: alerts.map((a) => a._id),
    poison: new Set(alerts.filter((a) => a.alert_name === POISON).map((a) => a._id)),
  };
}

function reset(): void {
  lake.events.length = 0;
  lake.requests.length = 0;
  lake.setRandom(undefined);
}

interface Letter {
  recordId: string;
  code: string;
  reason: string;
  payload: string;
}

async function deadLetters(config: string): Promise<Letter[]> {
  const result = await runCli(["deadletter", "list", "--json", "-c", config], { env });
  expect(result.code).toBe(0);
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Letter);
}

describe("cloudtrail-lake end to end", () => {
  it(
    "validates the channel, sends a test event, ships a file, and the Lake query finds it",
    { timeout: 120_000 },
    async () => {
      reset();
      const { config, ids, poison } = setup(300, 11);
      const validate = await runCli(["validate", "--connect", "-c", config], { env });
      expect(validate.code).toBe(0);
      expect(validate.stdout).toMatch(
        /destination lake: ok \(channel logshipper \(source Custom\); delivers to event data store eds-e2e/,
      );
      expect(validate.stdout).not.toContain(EXTERNAL_ID);

      const test = await runCli(["test-destination", "lake", "-c", config], { env });
      expect(test.code).toBe(0);
      expect(test.stdout).toMatch(
        /accepted a test event \(UID [-0-9a-f]{36}\); find it with: logshipper lake query --event-data-store eds-e2e/,
      );

      const run = await runCli(["run", "--once", "-c", config], { env });
      // 3: the records the Lake refuses are dead letters (docs/cli.md, exit codes).
      expect(run.code).toBe(3);
      const shipped = lake.events.filter((e) => e.eventData.eventSource !== "logshipper.test");
      expect(shipped.map((e) => e.id).sort()).toEqual(ids.filter((id) => !poison.has(id)).sort());
      expect(lake.requests.every((r) => r.externalId === EXTERNAL_ID && r.ids.length <= 100)).toBe(true);
      const sample = shipped[0]!.eventData;
      expect(sample).toMatchObject({
        version: "1.0",
        recipientAccountId: ACCOUNT,
        eventSource: expect.stringMatching(/^netskopealert\./) as unknown,
      });
      // additionalData: the fields the default mapping does not read travel in additionalEventData.
      expect(sample.additionalEventData).toMatchObject({
        os: expect.any(String) as unknown,
        tags: ["pci", "exfil"],
      });

      const letters = await deadLetters(config);
      expect(letters.map((d) => d.recordId).sort()).toEqual([...poison].sort());
      expect(
        letters.every(
          (d) => d.code === "LS_ERR_CLOUDTRAIL_EVENT_REJECTED" && d.reason.startsWith("InvalidEventSource"),
        ),
      ).toBe(true);
      // Each holds the whole record as it was buffered (read back from the buffer), so it can be replayed.
      for (const d of letters) {
        const record = JSON.parse(d.payload) as { id: string; data: { _id: string; alert_name: string } };
        expect(record.id).toBe(d.recordId);
        expect(record.data).toMatchObject({ _id: d.recordId, alert_name: POISON });
      }

      // The validation step users run after setup, through the CLI with the destination's credentials.
      const query = await runCli(
        [
          "lake",
          "query",
          "--event-data-store",
          "eds-e2e",
          "--since",
          "2025-01-01",
          "-c",
          config,
          "--destination",
          "lake",
        ],
        { env },
      );
      expect(query.code).toBe(0);
      const rows = query.stdout.split("\n").filter(Boolean);
      expect(rows).toHaveLength(shipped.length + 1);
      for (const row of rows) expect(() => JSON.parse(row) as unknown).not.toThrow();
      const wrong = await runCli(
        ["lake", "query", "--event-data-store", "eds-e2e", "-c", config, "--destination", "nope"],
        {
          env,
        },
      );
      expect(wrong.code).toBe(2);
    },
  );

  it(
    "through restarts, SIGKILLs and injected faults: each record accepted once, but for the batch in flight at a kill",
    { timeout: 600_000 },
    async () => {
      reset();
      const { config, ids, poison } = setup(20_000, 5);
      lake.setRandom({
        seed: 99,
        throttle: 0.05,
        serverError: 0.03,
        drop: 0.02,
        slow: 0.05,
        slowMs: 300,
        eventThrottle: 0.01,
        eventInternal: 0.01,
      });
      let seed = 4242;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const killed: string[] = [];
      for (let i = 0; i < 6; i++) {
        lake.tag = `run-${i}`;
        const { child, done } = startCli(["run", "--once", "-c", config], { env });
        await new Promise((r) => setTimeout(r, 400 + Math.floor(rand() * 1500)));
        if (child.exitCode === null) {
          child.kill("SIGKILL");
          killed.push(lake.tag);
        }
        await done;
      }
      expect(killed.length).toBeGreaterThan(0);
      lake.tag = "final";
      const final = await runCli(["run", "--once", "-c", config], { env });
      expect(final.code).toBe(3); // the refused records are dead letters

      // Nothing lost: every record but the refused ones was accepted; the refused ones never were.
      const counts = lake.acceptedCounts();
      const missing = ids.filter((id) => !poison.has(id) && !counts.has(id));
      expect(missing.slice(0, 5)).toEqual([]);
      expect([...poison].filter((id) => counts.has(id))).toEqual([]);

      // Never twice within one run (a request that succeeded is never resent).
      const perRun = new Set<string>();
      for (const e of lake.events) {
        const key = `${e.tag} ${e.id}`;
        expect(perRun.has(key), key).toBe(false);
        perRun.add(key);
      }

      // Again only for the batches in flight at a SIGKILL: every acceptance but the last was in a killed run,
      // among its last MAX_BATCH_RECORDS acceptances (everything accepted before those was committed before
      // those batches were sent). The batches re-formed after a restart are sent first, so a record can be in
      // flight at two kills in a row: one extra acceptance per kill at most.
      const byRun = new Map<string, string[]>();
      for (const e of lake.events) byRun.set(e.tag ?? "", [...(byRun.get(e.tag ?? "") ?? []), e.id]);
      const duplicated = [...counts.entries()].filter(([, n]) => n > 1).map(([id]) => id);
      let extra = 0;
      for (const id of duplicated) {
        const accepted = lake.events.filter((e) => e.id === id);
        extra += accepted.length - 1;
        for (const early of accepted.slice(0, -1)) {
          expect(killed).toContain(early.tag);
          const run = byRun.get(early.tag!)!;
          expect(run.length - run.indexOf(id)).toBeLessThanOrEqual(MAX_BATCH_RECORDS);
        }
      }
      expect(extra).toBeLessThanOrEqual(killed.length * MAX_BATCH_RECORDS);

      const status = await runCli(["status", "--json", "-c", config], { env });
      const parsed = JSON.parse(status.stdout) as {
        siemMappings: { backlog: number }[];
        deadLetters: { total: number };
      };
      expect(parsed.siemMappings[0]!.backlog).toBe(0);
      expect(parsed.deadLetters.total).toBe(poison.size);
      expect(lake.requests.some((r) => r.status === 429)).toBe(true);
      expect(lake.requests.some((r) => r.status === 503)).toBe(true);
    },
  );
});
