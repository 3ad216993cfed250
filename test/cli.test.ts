/** The CLI commands a user runs, as child processes. */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, SAMPLES, startCli, tempDir, TEST_PLUGIN, writeConfig } from "./helpers.js";

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("rule test and mapping test", () => {
  it("prints the matching records and counts", async () => {
    const r = await runCli([
      "rule",
      "test",
      'alert_type IN ("DLP","Malware") && severity == "high"',
      "--input",
      path.join(SAMPLES, "netskope/alerts.ndjson"),
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { alert_type: string; severity: string });
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(["dlp", "malware"]).toContain(l.alert_type.toLowerCase());
      expect(l.severity.toLowerCase()).toBe("high");
    }
    expect(r.stderr).toMatch(new RegExp(`^${lines.length} of 310 record\\(s\\) matched`, "m"));
  });

  it("reports a rule syntax error with its position and exits 2", async () => {
    const r = await runCli([
      "rule",
      "test",
      "severity == ",
      "--input",
      path.join(SAMPLES, "netskope/alerts.ndjson"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1, column \d+/);
  });

  it("maps a file with a library mapping", async () => {
    const r = await runCli([
      "mapping",
      "test",
      path.join(ROOT, "mappings/netskope/file.jsonata"),
      "--input",
      path.join(SAMPLES, "netskope/alerts.ndjson"),
      "--type",
      "alert",
      "--subtype-field",
      "alert_type",
      "--id-field",
      "_id",
      "--time-field",
      "timestamp",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(310);
    expect(r.stderr).toMatch(/310 of 310 record\(s\) mapped; 0 failed/);
  });
});

describe("run, status, metrics, signals and secrets", () => {
  it("serves metrics, stops cleanly on SIGTERM, and never shows a secret", { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const secret = "s3cr3t-T0KEN-value";
    fs.copyFileSync(path.join(SAMPLES, "netskope/alerts.ndjson"), path.join(dir, "alerts.ndjson"));
    fs.writeFileSync(path.join(dir, "denied"), "");
    const config = writeConfig(
      dir,
      `
state: { dir: state }
plugins: [${JSON.stringify(TEST_PLUGIN)}]
sources:
  alerts: { plugin: file, path: alerts.ndjson, recordType: alert, idField: _id, interval: 1s }
destinations:
  remote:
    plugin: test-flaky
    out: out/received.ndjson
    token: \${TEST_TOKEN}
    configErrorWhile: denied
    retry: { pauseDelay: 200ms }
siemMappings:
  - { source: alerts, destination: remote }
`,
    );
    const env = { TEST_TOKEN: secret };
    const port = 19000 + Math.floor(Math.random() * 1000);
    const { child, done } = startCli(["run", "-c", config, "--metrics-port", String(port)], { env });
    const health = await waitFor(() => get(`http://127.0.0.1:${port}/healthz`));
    expect(health.status).toBe(200);
    // While the destination refuses the credentials it is paused and its data is kept.
    await waitFor(async () =>
      (await get(`http://127.0.0.1:${port}/metrics`)).body.includes(
        'logshipper_destination_paused{destination="remote"} 1',
      )
        ? true
        : undefined,
    );
    const status = await runCli(["status", "-c", config], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/backlog [1-9]/);
    fs.rmSync(path.join(dir, "denied"));
    const metrics = await waitFor(async () => {
      const m = await get(`http://127.0.0.1:${port}/metrics`);
      return /logshipper_records_total\{stage="sent",siem_mapping="alerts.All.remote"\} 300/.test(m.body)
        ? m.body
        : undefined;
    });
    expect(metrics).toMatch(
      /logshipper_records_total\{stage="pulled",siem_mapping="alerts.All.remote"\} 310/,
    );
    expect(metrics).toMatch(
      /logshipper_records_total\{stage="deduplicated",siem_mapping="alerts.All.remote"\} 10/,
    );
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/SIEM mapping/);
    const validate = await runCli(["validate", "--connect", "-c", config], { env });
    const testDest = await runCli(["test-destination", "remote", "-c", config], { env });
    expect(testDest.code).toBe(0);
    const statusJson = await runCli(["status", "--json", "-c", config], { env });
    for (const text of [
      result.stderr,
      result.stdout,
      status.stdout,
      validate.stdout,
      validate.stderr,
      testDest.stdout,
      statusJson.stdout,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(result.stderr).toContain("[REDACTED]");
    expect(testDest.stdout).toContain("[REDACTED]");
  });

  it("refuses a second writer on a state directory that a run holds", async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(SAMPLES, "netskope/alerts.ndjson"), path.join(dir, "alerts.ndjson"));
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  alerts: { plugin: file, path: alerts.ndjson, idField: _id }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: alerts, destination: out }
`,
    );
    const { child, done } = startCli(["run", "-c", config]);
    await waitFor(() => Promise.resolve(fs.existsSync(path.join(dir, "state/run.lock")) ? true : undefined));
    const second = await runCli(["run", "--once", "-c", config]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/LS_ERR_STATE_LOCKED/);
    const replay = await runCli(["deadletter", "replay", "-c", config]);
    expect(replay.code).toBe(1);
    expect((await runCli(["status", "-c", config])).code).toBe(0);
    child.kill("SIGTERM");
    expect((await done).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "state/run.lock"))).toBe(false);
    // A lock left by a killed run is taken over.
    const { child: killed, done: killedDone } = startCli(["run", "-c", config]);
    await waitFor(() => Promise.resolve(fs.existsSync(path.join(dir, "state/run.lock")) ? true : undefined));
    killed.kill("SIGKILL");
    await killedDone;
    expect((await runCli(["run", "--once", "-c", config])).code).toBe(0);
  });

  it("replays dead letters after the cause is fixed", async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "data.ndjson"),
      '{"id":"a","n":1}\n{"id":"b","n":"oops"}\n{"id":"c","n":3}\n',
    );
    // $number("oops") throws (D3030): record "b" goes to the dead letters, "a" and "c" go on.
    fs.writeFileSync(path.join(dir, "map.jsonata"), '{"id": id, "double": $number(n) * 2}');
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  data: { plugin: file, path: data.ndjson, idField: id }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: data, destination: out, mapping: map.jsonata }
`,
    );
    const first = await runCli(["run", "--once", "-c", config]);
    expect(first.code).toBe(3); // some records were dead-lettered (docs/cli.md)
    const list = await runCli(["deadletter", "list", "--json", "-c", config]);
    const letters = list.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number; recordId: string; stage: string; reason: string });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ recordId: "b", stage: "mapping" });
    expect(letters[0]!.reason).toMatch(/D3030/);
    fs.writeFileSync(
      path.join(dir, "map.jsonata"),
      '{"id": id, "double": $contains($string(n), /^[0-9]+$/) ? $number(n) * 2 : null}',
    );
    const replay = await runCli(["deadletter", "replay", "-c", config]);
    expect(replay.stdout).toMatch(/1 record\(s\) put back/);
    const second = await runCli(["run", "--once", "-c", config]);
    expect(second.code).toBe(0);
    const files = fs
      .readdirSync(path.join(dir, "out"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ndjson"));
    const all = files.flatMap((f) =>
      fs
        .readFileSync(path.join(dir, "out", f), "utf8")
        .split("\n")
        .filter(Boolean),
    );
    expect(all.map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(["a", "b", "c"]);
    expect((await runCli(["deadletter", "list", "--json", "-c", config])).stdout.trim()).toBe("");
  });

  it("prints the JSON Schema and the plugin list", async () => {
    const schema = await runCli(["schema"]);
    expect(schema.code).toBe(0);
    const parsed = JSON.parse(schema.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(parsed.properties)).toEqual(
      expect.arrayContaining(["sources", "destinations", "rules", "siemMappings", "state"]),
    );
    expect(schema.stdout).toContain('"maxObjectBytes"');
    const plugins = await runCli(["plugins"]);
    expect(plugins.stdout).toMatch(/^file \(source\)/m);
    expect(plugins.stdout).toMatch(/^file \(destination\)/m);
  });
});
