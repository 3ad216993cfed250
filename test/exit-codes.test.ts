/**
 * `run --once` exit codes (docs/cli.md), with real processes and loopback peers: 0 only when everything pulled
 * reached a final state; 3 when records were dead-lettered; 4 when it stopped with records undelivered (a
 * destination down past `--once-timeout`, a paused destination at once, a signal); 5 when a source has
 * nothing to read.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePorts } from "@logshipper/plugin-syslog/testing";
import { generateAlerts, runCli, startCli, tempDir, TEST_PLUGIN, writeConfig } from "./helpers.js";

const EXIT_DEAD_LETTERED = 3;
const EXIT_UNDELIVERED = 4;
const EXIT_NOTHING_TO_READ = 5;

function setup(destinations: string, records = 50): { dir: string; file: string } {
  const dir = tempDir("ls-exit-");
  fs.writeFileSync(path.join(dir, "alerts.ndjson"), generateAlerts(records));
  const file = writeConfig(
    dir,
    `
state: { dir: state }
plugins: [${JSON.stringify(TEST_PLUGIN)}]
sources:
  alerts: { plugin: file, path: alerts.ndjson, recordType: alert, idField: _id }
destinations:
${destinations}
siemMappings:
  - { source: alerts, destination: out }
`,
  );
  return { dir, file };
}

async function timed(args: string[]) {
  const started = Date.now();
  const result = await runCli(args);
  return { ...result, ms: Date.now() - started };
}

describe("run --once exit codes", () => {
  it("3 when every record was dead-lettered; the summary says how many", async () => {
    const { dir, file } = setup("  out: { plugin: file, dir: out }");
    fs.writeFileSync(path.join(dir, "refuse.jsonata"), '$error("refused by the mapping")');
    const yaml = fs
      .readFileSync(file, "utf8")
      .replace("destination: out }", "destination: out, mapping: refuse.jsonata }");
    fs.writeFileSync(file, yaml);
    const r = await runCli(["run", "--once", "-c", file]);
    expect(r.code).toBe(EXIT_DEAD_LETTERED);
    expect(r.stdout).toMatch(/dead-lettered: 50 record\(s\) in all/);
  });

  it("4 within seconds when the destination is down past --once-timeout (nobody listens)", async () => {
    const [port] = (await freePorts(1)) as [number];
    const { file } = setup(
      `  out: { plugin: syslog, protocol: tcp, host: 127.0.0.1, port: ${port}, retry: { initialDelay: 100ms, maxDelay: 1s } }`,
    );
    const r = await timed(["run", "--once", "--once-timeout", "2s", "-c", file]);
    expect(r.code).toBe(EXIT_UNDELIVERED);
    expect(r.ms).toBeLessThan(2000 + 8000);
    expect(r.stdout).toMatch(/undelivered: 50 record\(s\) stay buffered .*--once-timeout/);
  });

  it("4 at once when the destination pauses (its directory cannot be created), with the reason", async () => {
    const { dir, file } = setup("  out: { plugin: file, dir: blocker/out }");
    fs.writeFileSync(path.join(dir, "blocker"), "a file where a directory should be");
    const r = await timed(["run", "--once", "-c", file]);
    expect(r.code).toBe(EXIT_UNDELIVERED);
    // The pause delay (30 s) and the once timeout (5 min) are not waited for.
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/stopped: destination out paused: .*ENOTDIR/);
  });

  it("4 at once when the state disk has less room than state.minFreeDiskBytes, with the code and remedy", async () => {
    const { dir, file } = setup("  out: { plugin: file, dir: out }");
    // More than any disk here has free: the real statfs of the state directory says so.
    const yaml = fs
      .readFileSync(file, "utf8")
      .replace("state: { dir: state }", "state: { dir: state, minFreeDiskBytes: 1048576GiB }");
    fs.writeFileSync(file, yaml);
    const r = await timed(["run", "--once", "-c", file]);
    expect(r.code).toBe(EXIT_UNDELIVERED);
    expect(r.ms).toBeLessThan(15_000); // not the 5 min of --once-timeout
    expect(r.stdout).toMatch(
      /stopped: \[LS_ERR_STATE_DISK_LOW\] state disk has \d+ bytes free .*lower state\.minFreeDiskBytes/,
    );
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("4 at once on a configuration-level failure of a plugin (bad credentials)", async () => {
    const { dir, file } = setup("  out: { plugin: test-flaky, out: out.ndjson, configErrorWhile: denied }");
    fs.writeFileSync(path.join(dir, "denied"), "");
    const r = await timed(["run", "--once", "-c", file]);
    expect(r.code).toBe(EXIT_UNDELIVERED);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/stopped: destination out paused: access denied/);
    // Nothing was lost: once the cause is gone, the next run delivers everything and exits 0.
    fs.rmSync(path.join(dir, "denied"));
    expect((await runCli(["run", "--once", "-c", file])).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "out.ndjson"), "utf8").split("\n").filter(Boolean)).toHaveLength(
      50,
    );
  });

  it("4 when a signal stops it with records undelivered", async () => {
    const { dir, file } = setup("  out: { plugin: test-recorder, log: sends.ndjson, hangWhile: hang }");
    fs.writeFileSync(path.join(dir, "hang"), "");
    const { child, done } = startCli(["run", "--once", "--shutdown-timeout", "500ms", "-c", file]);
    const log = path.join(dir, "sends.ndjson");
    while (!fs.existsSync(log)) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    const r = await done;
    expect(r.code).toBe(EXIT_UNDELIVERED);
    expect(r.stdout).toMatch(/undelivered: 50 record\(s\) .*SIGTERM/);
  });

  it("5 with a warning when a source path matches no file; 0 once there is data", async () => {
    const { dir, file } = setup("  out: { plugin: file, dir: out }");
    fs.renameSync(path.join(dir, "alerts.ndjson"), path.join(dir, "later.ndjson"));
    const r = await runCli(["run", "--once", "-c", file]);
    expect(r.code).toBe(EXIT_NOTHING_TO_READ);
    expect(r.stderr).toMatch(/no file matches path/);
    expect(r.stdout).toMatch(/nothing to read: source alerts/);
    fs.renameSync(path.join(dir, "later.ndjson"), path.join(dir, "alerts.ndjson"));
    expect((await runCli(["run", "--once", "-c", file])).code).toBe(0);
    // A later run with nothing new is not "nothing to read": the source has read its file before.
    expect((await runCli(["run", "--once", "-c", file])).code).toBe(0);
  });
});
