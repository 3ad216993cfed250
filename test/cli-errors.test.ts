/**
 * How the built CLI fails: a secret a failing server echoes is redacted on every error path, a reader that
 * closes stdout early (`deadletter list | head`) ends the command quietly, and `rule test` refuses a missing
 * input file. Real processes and a loopback server.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenLoopback, type LoopbackHttp } from "@logshipper/aws/testing";
import { runCli, startCli, tempDir, writeConfig } from "./helpers.js";

const TOKEN = "FQoGZXIvYXdzEJr-session-token-7f3a9c";

/** An S3 endpoint that refuses every request with an error answer quoting the caller's session token. */
let echo: LoopbackHttp;
beforeAll(async () => {
  echo = await listenLoopback((req, res) => {
    const token = String(req.headers["x-amz-security-token"] ?? "none");
    res.writeHead(403, { "content-type": "application/xml" });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidToken</Code>` +
        `<Message>The provided token is malformed or otherwise invalid: ${token}</Message></Error>`,
    );
  });
});
afterAll(async () => {
  await echo.close();
});

describe("CLI errors", () => {
  it("redacts a secret that a failing server echoes, in test-destination and validate --connect", async () => {
    const dir = tempDir("ls-cli-errors-");
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  in: { plugin: file, path: in.ndjson }
destinations:
  lake:
    plugin: s3
    bucket: lake
    endpoint: "${echo.url}"
    forcePathStyle: true
    region: us-east-1
    credentials: { accessKeyId: AKIDEXAMPLE, secretAccessKey: "\${TEST_SECRET}", sessionToken: "\${TEST_TOKEN}" }
siemMappings:
  - { source: in, destination: lake }
`,
    );
    const env = { TEST_SECRET: "wJalrXUtnFEMI-secret-key", TEST_TOKEN: TOKEN };
    const test = await runCli(["test-destination", "lake", "-c", config], { env });
    expect(test.code).toBe(1);
    // The server's answer reached the user, with the token taken out.
    expect(test.stderr).toMatch(
      /error: .*The provided token is malformed or otherwise invalid: \[REDACTED\]/,
    );
    const validate = await runCli(["validate", "--connect", "-c", config], { env });
    expect(validate.code).toBe(1);
    for (const text of [test.stdout, test.stderr, validate.stdout, validate.stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(env.TEST_SECRET);
    }
  });

  it("ends deadletter list quietly when its reader closes stdout early", async () => {
    const dir = tempDir("ls-cli-epipe-");
    // 40 malformed lines of 20 KB: their dead letters (raw text included) are far more than a pipe holds.
    const bad = Array.from({ length: 40 }, (_, i) => `not json ${i} ${"x".repeat(20_000)}`).join("\n");
    fs.writeFileSync(path.join(dir, "in.ndjson"), `${bad}\n`);
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  in: { plugin: file, path: in.ndjson }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: in, destination: out }
`,
    );
    await runCli(["run", "--once", "-c", config]);
    const { child, done } = startCli(["deadletter", "list", "--json", "--limit", "1000", "-c", config]);
    // As `head -1` does: read the first piece, then close the pipe while the command is still writing.
    let first = "";
    await new Promise<void>((resolve) => {
      child.stdout!.once("data", (d: Buffer) => {
        first = d.toString();
        resolve();
      });
      child.once("exit", () => resolve());
    });
    child.stdout!.destroy();
    const result = await done;
    expect(first).toMatch(/^\{"id":1,/);
    // At most the summary line; no EPIPE, no stack trace.
    expect(result.stderr).toMatch(/^(\d+ of \d+ dead letter\(s\) shown\n)?$/);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
  });

  it("rule test and mapping test with a missing --input file exit 2 and name the file", async () => {
    const dir = tempDir("ls-cli-rule-");
    const missing = path.join(dir, "no-such-file.ndjson");
    const result = await runCli(["rule", "test", "type EXISTS", "--input", missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: cannot read --input ${missing}`);
    expect(result.stderr).not.toMatch(/matched/);
    const mapping = await runCli([
      "mapping",
      "test",
      "mappings/generic/syslog-json.jsonata",
      "--input",
      missing,
    ]);
    expect(mapping.code).toBe(2);
    expect(mapping.stderr).toContain(`error: cannot read --input ${missing}`);
  });
});
