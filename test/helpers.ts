/** Helpers for end-to-end tests: the real CLI as a child process, temp dirs, reading output objects. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = path.join(ROOT, "packages/core/dist/cli/main.js");
/** A copy of ../shared/samples, so a clean clone tests the same data. */
export const SAMPLES = path.join(ROOT, "test/fixtures/samples");
export const TEST_PLUGIN = path.join(ROOT, "test/fixtures/test-plugin/index.mjs");

export function tempDir(prefix = "ls-e2e-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): {
  child: ChildProcess;
  done: Promise<CliResult>;
} {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Every NDJSON line of every object under `dir` (gzip or not), skipping temp files. */
export function readObjects(dir: string): { file: string; lines: string[] }[] {
  const out: { file: string; lines: string[] }[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith(".")) continue;
    const file = path.join(entry.parentPath, entry.name);
    let bytes = fs.readFileSync(file);
    if (file.endsWith(".gz")) bytes = gunzipSync(bytes);
    out.push({ file, lines: bytes.toString("utf8").split("\n").filter(Boolean) });
  }
  return out;
}

export function readOutputRecords(dir: string): unknown[] {
  return readObjects(dir).flatMap((o) => o.lines.map((l) => JSON.parse(l) as unknown));
}

export function writeConfig(dir: string, yaml: string, name = "logshipper.yaml"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  return file;
}

/** Deterministic Netskope-like alerts, ~600 bytes each. */
export function generateAlerts(n: number, seed = 1): string {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const types = ["DLP", "Malware", "uba", "Compromised Credential", "policy", "Security Assessment"];
  const sev = ["high", "High", "medium", "low", "critical"];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        _id: `alert-${seed}-${i.toString().padStart(8, "0")}`,
        timestamp: 1763769600 + i,
        type: "nspolicy",
        alert: "yes",
        alert_type: types[Math.floor(rand() * types.length)],
        alert_name: `rule ${Math.floor(rand() * 100)}`,
        severity: sev[Math.floor(rand() * sev.length)],
        user: `user${Math.floor(rand() * 500)}@example.com`,
        srcip: `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
        dstip: `34.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
        app: "Microsoft OneDrive for Business",
        appcategory: "Collaboration",
        activity: "Upload",
        access_method: "Client",
        browser: "Chrome",
        os: "Windows 11",
        policy: "Block PCI",
        action: "block",
        object: `report-${i}.xlsx`,
        src_country: "DE",
        dlp_incident: { rule: "PCI", matches: [{ type: "credit_card", count: (i % 7) + 1 }] },
        tags: ["pci", "exfil"],
        padding: "x".repeat(40),
      }),
    );
  }
  return lines.join("\n") + "\n";
}
