/**
 * End to end through the real CLI, against s3rver (behind a fault-injecting proxy) and a loopback SQS server that
 * checks SigV4: CloudTrail files announced over SQS -> rule -> mapping -> the `s3` destination in Panoptica's
 * layout, and -> `file`. The process is killed in the middle and restarted: nothing lost, nothing duplicated,
 * every message deleted. Also: test-destination, validate --connect, and the poll mode into a file.
 */
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  readBucket,
  sampleMessages,
  startSqsFixture,
  writeBucket,
  type SqsFixture,
} from "@logshipper/plugin-s3/testing";
import { readOutputRecords, runCli, SAMPLES, startCli, tempDir, writeConfig } from "./helpers.js";

const LAKE = "panoptica-lake";
const ENV = { TEST_S3_SECRET: "S3RVER", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
let fx: SqsFixture;

beforeAll(async () => {
  fx = await startSqsFixture();
  await fx.s3.createBucket(LAKE);
});
afterAll(async () => {
  await fx.stop();
});

/** Connection options of every s3 configuration in these tests (the secret comes from the environment). */
function aws(): string {
  return `endpoint: "${fx.s3.url}", forcePathStyle: true, region: us-east-1, credentials: { accessKeyId: S3RVER, secretAccessKey: "\${TEST_S3_SECRET}" }`;
}

function pipelineConfig(dir: string, queueUrl: string): string {
  fs.writeFileSync(
    path.join(dir, "panoptica.jsonata"),
    `{"event_type": eventName, "account_identifier": recipientAccountId, "event_id": $id, "time": eventTime, "actor": userIdentity.arn}`,
  );
  return writeConfig(
    dir,
    `
state: { dir: state }
sources:
  trail:
    { plugin: s3, mode: sqs, queueUrl: "${queueUrl}", waitTime: 1s, visibilityTimeout: 30s, ${aws()}, subtypeField: eventSource, interval: 200ms }
destinations:
  lake:
    { plugin: s3, bucket: ${LAKE}, prefix: Panoptica, key: "{field:event_type}/{date}/{field:account_identifier}/{file}", acl: bucket-owner-full-control, maxObjectAge: 200ms, ${aws()} }
  archive: { plugin: file, dir: out, maxObjectAge: 200ms, dedup: { enabled: false } }
rules:
  cloudtrail: eventID EXISTS
siemMappings:
  - { source: trail, rule: cloudtrail, destination: lake, mapping: panoptica.jsonata }
  - { source: trail, destination: archive }
`,
  );
}

describe("s3 end to end", () => {
  it(
    "CloudTrail over SQS to Panoptica's layout and to files, killed in the middle: nothing lost, nothing twice",
    { timeout: 120_000 },
    async () => {
      const dir = tempDir("ls-s3-e2e-");
      const queueUrl = fx.sqs.queueUrl("trail");
      const [testEvent, first, second, third, awkward] = sampleMessages() as [
        string,
        string,
        string,
        string,
        string,
      ];
      for (const body of [testEvent, first, second]) fx.sqs.send("trail", body);
      const config = pipelineConfig(dir, queueUrl);

      // Phase 1: a running process reads two files and deletes their messages once they are committed.
      const { child, done } = startCli(["run", "-c", config], { env: ENV });
      await expect.poll(() => fx.sqs.remaining("trail").length, { timeout: 30_000, interval: 100 }).toBe(0);
      // Phase 2: the next file is announced, and its read hangs: the process dies while it holds the message.
      fx.s3.hold((r) => r.method === "GET" && r.path.includes("20251122T0010Z"));
      for (const body of [third, awkward]) fx.sqs.send("trail", body);
      await expect.poll(() => fx.s3.held, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
      child.kill("SIGKILL");
      await done;
      fx.s3.release();
      fx.sqs.expireAll("trail"); // as if the visibility timeout had run out

      const final = await runCli(["run", "--once", "-c", config], { env: ENV });
      expect(final.stderr).not.toMatch(/"level":"error"/);
      expect(final.code).toBe(0);
      expect(fx.sqs.remaining("trail")).toEqual([]);

      // The archive (no dedup): exactly the input, each record as many times as it is in the input.
      const archived = readOutputRecords(path.join(dir, "out")).map((r) => JSON.stringify(r));
      const input = trailInput();
      expect(archived.sort()).toEqual(input.map((r) => JSON.stringify(r)).sort());

      // The lake: Panoptica's layout, each CloudTrail event once (dedup on eventID).
      const lake = await readBucket(fx.s3.url, LAKE, "Panoptica/");
      const ids: string[] = [];
      for (const [key, body] of lake) {
        expect(key).toMatch(/^Panoptica\/[A-Za-z]+\/2025-11-22\/123456789012\/[0-9a-f]{32}\.ndjson$/);
        for (const line of body.toString("utf8").split("\n").filter(Boolean)) {
          const value = JSON.parse(line) as { event_type: string; event_id: string };
          expect(key.split("/")[1]).toBe(value.event_type);
          ids.push(value.event_id);
        }
      }
      const eventIds = input.flatMap((r) =>
        (r as { eventID?: string }).eventID ? [(r as { eventID: string }).eventID] : [],
      );
      expect(ids.sort()).toEqual([...new Set(eventIds)].sort());
      const put = fx.s3.requests.find((r) => r.method === "PUT" && r.path.startsWith(`/${LAKE}/Panoptica/`));
      expect(put?.headers["x-amz-acl"]).toBe("bucket-owner-full-control");

      const status = await runCli(["status", "--json", "-c", config], { env: ENV });
      const parsed = JSON.parse(status.stdout) as { deadLetters: { total: number } };
      expect(parsed.deadLetters.total).toBe(0);
    },
  );

  it("test-destination writes the test object; validate --connect checks the bucket and the queue", async () => {
    const dir = tempDir("ls-s3-e2e-");
    const config = pipelineConfig(dir, fx.sqs.queueUrl("connect"));
    const test = await runCli(["test-destination", "lake", "-c", config], { env: ENV });
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/Panoptica\/logshipper-test\/lake-\d{8}T\d{6}Z\.ndjson/);
    const objects = await readBucket(fx.s3.url, LAKE, "Panoptica/logshipper-test/");
    expect([...objects.values()].some((b) => b.toString().includes("Log Shipper test message"))).toBe(true);
    const validate = await runCli(["validate", "--connect", "-c", config], { env: ENV });
    expect(validate.code).toBe(0);
    fx.s3.fail({ method: "POST", query: "uploads", status: 403, code: "AccessDenied", times: 1 });
    const denied = await runCli(["validate", "--connect", "-c", config], { env: ENV });
    expect(denied.code).not.toBe(0);
    expect(`${denied.stdout}${denied.stderr}`).toMatch(/LS_ERR_S3_ACCESS_DENIED|AccessDenied/);
  });

  it("poll mode: Panoptica exports in a bucket to files, and a second run reads only what is new", async () => {
    const dir = tempDir("ls-s3-e2e-");
    const bucket = "panoptica-export";
    await fx.s3.createBucket(bucket);
    const root = path.join(SAMPLES, "panoptica");
    const objects: Record<string, Buffer> = {};
    for (const f of fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())) {
      objects[path.relative(root, path.join(f.parentPath, f.name)).split(path.sep).join("/")] =
        fs.readFileSync(path.join(f.parentPath, f.name));
    }
    await writeBucket(fx.s3.url, bucket, objects);
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  exports: { plugin: s3, bucket: ${bucket}, prefix: Panoptica/, idField: id, timeField: detectedAt, ${aws()} }
destinations:
  out: { plugin: file, dir: out, maxObjectAge: 100ms }
siemMappings:
  - { source: exports, destination: out }
`,
    );
    const expected = Object.values(objects).flatMap((b) => b.toString().split("\n").filter(Boolean));
    expect((await runCli(["run", "--once", "-c", config], { env: ENV })).code).toBe(0);
    expect(readOutputRecords(path.join(dir, "out"))).toHaveLength(expected.length);
    // Poll mode lists after the last key read: new objects must sort after it (one prefix per event type).
    await writeBucket(fx.s3.url, bucket, {
      "Panoptica/security-findings/2025-11-23/123456789012/new.json": '{"id":"late-1"}\n',
    });
    expect((await runCli(["run", "--once", "-c", config], { env: ENV })).code).toBe(0);
    const all = readOutputRecords(path.join(dir, "out")) as { id: string }[];
    expect(all).toHaveLength(expected.length + 1);
    expect(all.filter((r) => r.id === "late-1")).toHaveLength(1);
  });
});

/** The records the trail source reads: every CloudTrail record (gzip JSON) and the export's one line. */
function trailInput(): unknown[] {
  const root = path.join(SAMPLES, "cloudtrail");
  const out: unknown[] = [];
  for (const f of fs.readdirSync(path.join(root, "AWSLogs/123456789012/CloudTrail"), {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!f.isFile()) continue;
    const text = zlibText(path.join(f.parentPath, f.name));
    out.push(...(JSON.parse(text) as { Records: unknown[] }).Records);
  }
  out.push(JSON.parse(fs.readFileSync(path.join(root, "exports/Q4 report+final (1).ndjson"), "utf8")));
  return out;
}

function zlibText(file: string): string {
  return gunzipSync(fs.readFileSync(file)).toString("utf8");
}
