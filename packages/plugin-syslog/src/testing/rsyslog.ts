/**
 * A private rsyslog for interop tests: `rsyslogd -n -f CONF -i PIDFILE` with its own work directory under a
 * temporary directory, started from a configuration body, stopped with SIGTERM. A suite that needs it calls
 * `findRsyslogd()` and runs under `describe.skipIf(!rsyslogd.available)`: without rsyslogd (or its gtls driver)
 * the suite is skipped on a developer's machine and fails under `CI=true` (CI installs `rsyslog` and
 * `rsyslog-gnutls`, see .ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { systemProgram, type SystemProgram } from "@logshipper/core/testing";
import { waitForPort } from "./ports.js";

/** Where Debian and Ubuntu put rsyslog's modules; the TLS tests need the gtls network stream driver. */
const MODULE_DIRS = [
  "/usr/lib/x86_64-linux-gnu/rsyslog",
  "/usr/lib/aarch64-linux-gnu/rsyslog",
  "/usr/lib/rsyslog",
];

let found: SystemProgram | undefined;

/**
 * rsyslogd with its gtls driver, looked up once per test file (and only by the files that need it, so that a
 * missing rsyslog skips or fails just those). Under `CI=true` a missing one throws.
 */
export function findRsyslogd(): SystemProgram {
  found ??= systemProgram("rsyslogd", {
    candidates: ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"],
    packages: ["rsyslog", "rsyslog-gnutls"],
    alsoNeeds: [MODULE_DIRS.map((dir) => path.join(dir, "lmnsd_gtls.so"))],
    suites: "syslog interop with rsyslog",
  });
  return found;
}

export class Rsyslog {
  readonly dir: string;
  private child: ChildProcess | undefined;
  private stderr = "";

  /** `config(dir)` returns the configuration text; `dir` is the instance's own directory. */
  constructor(private readonly config: (dir: string) => string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-rsyslog-"));
    fs.mkdirSync(path.join(this.dir, "work"));
  }

  /** Validates the configuration (`-N1`), starts rsyslogd and waits for `readyPort` to accept connections. */
  async start(readyPort: number): Promise<void> {
    const conf = path.join(this.dir, "rsyslog.conf");
    fs.writeFileSync(conf, this.config(this.dir));
    const { path: program, available, packages } = findRsyslogd();
    if (!available || program === undefined)
      throw new Error(`rsyslogd and its gtls driver are required (apt-get install ${packages.join(" ")})`);
    const check = spawnSync(program, ["-N1", "-f", conf], { encoding: "utf8" });
    if (check.error) throw new Error(`rsyslogd cannot run: ${check.error.message}`);
    if (check.status !== 0) throw new Error(`rsyslog rejects the configuration:\n${check.stderr}`);
    const pidFile = path.join(this.dir, "rsyslogd.pid");
    this.child = spawn(program, ["-n", "-f", conf, "-i", pidFile], { stdio: ["ignore", "ignore", "pipe"] });
    this.child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    await waitForPort(readyPort).catch((error: Error) => {
      throw new Error(`${error.message}\nrsyslogd stderr:\n${this.stderr}`);
    });
  }

  /** SIGTERM, then wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  /** The JSON lines of a file the instance writes that `where` selects, once at least `n` are there. */
  async lines<T = Record<string, unknown>>(
    file: string,
    n: number,
    where: (line: T) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<T[]> {
    const full = path.join(this.dir, file);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
      const lines = text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as T)
        .filter(where);
      if (lines.length >= n) return lines;
      if (Date.now() > deadline) {
        throw new Error(
          `${file}: ${lines.length} of ${n} lines after ${timeoutMs} ms\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  get log(): string {
    return this.stderr;
  }
}

/** A list template that writes the fields rsyslog parsed as one JSON object a line. */
export const FIELDS_TEMPLATE = `template(name="fields" type="list" option.jsonf="on") {
  property(outname="input" name="inputname" format="jsonf")
  property(outname="facility" name="syslogfacility" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="appName" name="app-name" format="jsonf")
  property(outname="procId" name="procid" format="jsonf")
  property(outname="msgId" name="msgid" format="jsonf")
  property(outname="structuredData" name="structured-data" format="jsonf")
  property(outname="sd" name="$!rfc5424-sd" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}`;
