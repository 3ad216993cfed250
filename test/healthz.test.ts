/**
 * `/healthz` of a real `logshipper run` (issue 12): 503 naming each paused or failing destination with its last
 * error code while a syslog receiver is down and a destination refuses its credentials; 200 once both recover.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePorts } from "@logshipper/plugin-syslog/testing";
import { generateAlerts, startCli, tempDir, TEST_PLUGIN, writeConfig } from "./helpers.js";

interface Health {
  status: string;
  destinations: { name: string; state: string; code?: string; error?: string }[];
}

function getHealth(url: string): Promise<{ status: number; body: Health }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Health }));
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

describe("/healthz", () => {
  it("answers 503 naming paused and failing destinations, then 200 once they recover", async () => {
    const dir = tempDir();
    const [syslogPort] = (await freePorts(1)) as [number];
    fs.writeFileSync(path.join(dir, "alerts.ndjson"), generateAlerts(20));
    fs.writeFileSync(path.join(dir, "denied"), "");
    const secret = "healthz-S3CRET-token";
    const config = writeConfig(
      dir,
      `
state: { dir: state }
plugins: [${JSON.stringify(TEST_PLUGIN)}]
sources:
  alerts: { plugin: file, path: alerts.ndjson, recordType: alert, idField: _id, interval: 1s }
destinations:
  siem:
    plugin: syslog
    host: 127.0.0.1
    port: ${syslogPort}
    retry: { initialDelay: 100ms, maxDelay: 200ms }
  remote:
    plugin: test-flaky
    out: out/remote.ndjson
    token: \${TEST_TOKEN}
    configErrorWhile: denied
    retry: { pauseDelay: 200ms }
  archive: { plugin: file, dir: archive }
siemMappings:
  - { source: alerts, destination: siem }
  - { source: alerts, destination: remote }
  - { source: alerts, destination: archive }
`,
    );
    const { child, done } = startCli(["run", "-c", config, "--metrics-port", "0"], {
      env: { TEST_TOKEN: secret },
    });
    let stderr = "";
    child.stderr!.on("data", (d: string) => (stderr += d));
    let receiver: net.Server | undefined;
    try {
      const url = await waitFor("the metrics address in the log", () => {
        const line = stderr.split("\n").find((l) => l.includes('"metrics served"'));
        return line ? (JSON.parse(line) as { healthz: string }).healthz : undefined;
      });
      const unhealthy = await waitFor("both destinations reported", async () => {
        const h = await getHealth(url);
        const named = h.body.destinations.filter((d) => d.state !== "ok").map((d) => d.name);
        return named.includes("siem") && named.includes("remote") ? h : undefined;
      });
      expect(unhealthy.status).toBe(503);
      expect(unhealthy.body.status).toBe("unhealthy");
      const byName = new Map(unhealthy.body.destinations.map((d) => [d.name, d]));
      expect(byName.get("remote")).toMatchObject({ state: "paused", code: "LS_ERR_TEST_DENIED" });
      expect(byName.get("siem")).toMatchObject({ state: "failing", code: "LS_ERR_SYSLOG_NETWORK" });
      expect(byName.get("archive")).toEqual({ name: "archive", state: "ok" });
      expect(JSON.stringify(unhealthy.body)).not.toContain(secret);

      // The receiver comes up and the credentials are accepted again: healthy.
      receiver = net.createServer((socket) => socket.resume());
      await new Promise<void>((resolve) => receiver!.listen(syslogPort, "127.0.0.1", resolve));
      fs.rmSync(path.join(dir, "denied"));
      const healthy = await waitFor("healthy", async () => {
        const h = await getHealth(url);
        return h.status === 200 ? h : undefined;
      });
      expect(healthy.body.status).toBe("ok");
      expect(healthy.body.destinations.map((d) => d.state)).toEqual(["ok", "ok", "ok"]);
    } finally {
      child.kill("SIGTERM");
      await done;
      receiver?.close();
    }
  });
});
