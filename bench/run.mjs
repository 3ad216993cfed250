#!/usr/bin/env node
// `npm run bench`: the pipeline (file -> rule -> mapping -> dedup -> file) beside the floor measured in the
// same run (JSON.parse + JSON.stringify of the same records, one thread). Usage: npm run bench [-- --records N]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { generateW1, W1_MAPPING } from "./w1.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "packages/core/dist/cli/main.js");
const args = process.argv.slice(2);
const records = Number(args[args.indexOf("--records") + 1] ?? 0) || 200_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-bench-"));
const input = path.join(dir, "w1.ndjson");
const bytes = generateW1(input, records);
const mb = bytes / 1024 / 1024;

async function floor() {
  const start = process.hrtime.bigint();
  const out = fs.createWriteStream(path.join(dir, "floor.ndjson"));
  const rl = readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity });
  let n = 0;
  let chunk = [];
  for await (const line of rl) {
    chunk.push(JSON.stringify(JSON.parse(line)));
    n++;
    if (chunk.length === 1000) {
      if (!out.write(chunk.join("\n") + "\n")) await new Promise((r) => out.once("drain", r));
      chunk = [];
    }
  }
  out.end(chunk.join("\n") + "\n");
  await new Promise((r) => out.on("finish", r));
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { n, s };
}

fs.writeFileSync(path.join(dir, "w1.jsonata"), W1_MAPPING);
const benchConfig = (state) => `state: ${state}
sources:
  w1: { plugin: file, path: w1.ndjson, format: ndjson, recordType: alert, subtypeField: alert_type, idField: _id, timeField: timestamp }
destinations:
  out: { plugin: file, dir: out, key: "{type}/{date}/{file}" }
rules:
  w1: alert_type IN ("DLP","Malware") && severity == "high"
siemMappings:
  - { source: w1, rule: w1, destination: out, mapping: w1.jsonata }
`;
fs.writeFileSync(path.join(dir, "bench.yaml"), benchConfig("{ dir: state }"));
fs.writeFileSync(path.join(dir, "bench-thread.yaml"), benchConfig("{ dir: state, thread: true }"));

/** One `logshipper run --once` over the input, from an empty state and output. */
function pipeline(config = "bench.yaml", runArgs = []) {
  fs.rmSync(path.join(dir, "state"), { recursive: true, force: true });
  fs.rmSync(path.join(dir, "out"), { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, "run", "--once", "-c", path.join(dir, config), ...runArgs], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LOGSHIPPER_LOG_LEVEL: "info" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) return reject(new Error(`pipeline exited ${code}\n${stderr}`));
      const finished = stderr
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === "run finished");
      resolve({ s, rss: finished?.maxRssBytes ?? 0, summary: finished?.summary?.[0], stdout });
    });
  });
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const table = (headers, rows) => {
  console.log(`| ${headers.join(" | ")} |`);
  console.log(`| ${headers.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log("");
};

console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"})`);
console.log(
  `workload W1: ${fmt(records)} Netskope-like alerts, ${mb.toFixed(1)} MB NDJSON (${Math.round(bytes / records)} bytes/record)`,
);
console.log("");

const f = await floor();
// The main figure is the median of three runs (wall time varies by a few percent from run to run on a shared
// machine); its peak RSS is the largest of the three.
const runs = [];
for (let i = 0; i < 3; i++) runs.push(await pipeline());
runs.sort((a, b) => a.s - b.s);
const p = { ...runs[1], rss: Math.max(...runs.map((r) => r.rss)) };
const rows = [
  [
    "floor: read + JSON.parse + JSON.stringify + write, one thread",
    fmt(f.n / f.s),
    (mb / f.s).toFixed(1),
    f.s.toFixed(2),
    (process.resourceUsage().maxRSS / 1024).toFixed(0),
  ],
  [
    `W1 ${fmt(records)}: file -> rule -> mapping -> dedup -> file (whole process, median of 3)`,
    fmt(records / p.s),
    (mb / p.s).toFixed(1),
    p.s.toFixed(2),
    (p.rss / 1024 / 1024).toFixed(0),
  ],
];
// The other settings, for what each costs and gives (docs/performance.md, Memory).
const variants = [
  ["the same, `--heap default` (V8's own heap sizing)", "bench.yaml", ["--heap", "default"]],
  ["the same, `state.thread: true`, `--heap default`", "bench-thread.yaml", ["--heap", "default"]],
];
for (const [label, config, runArgs] of variants) {
  const v = await pipeline(config, runArgs);
  rows.push([
    `W1 ${fmt(records)}: ${label}`,
    fmt(records / v.s),
    (mb / v.s).toFixed(1),
    v.s.toFixed(2),
    (v.rss / 1024 / 1024).toFixed(0),
  ]);
}
let big;
if (!args.includes("--quick")) {
  const bigRecords = 1_000_000;
  const bigBytes = generateW1(input, bigRecords);
  big = await pipeline();
  rows.push([
    `W1 ${fmt(bigRecords)}: the same, five times the input`,
    fmt(bigRecords / big.s),
    (bigBytes / 1024 / 1024 / big.s).toFixed(1),
    big.s.toFixed(2),
    (big.rss / 1024 / 1024).toFixed(0),
  ]);
}
table(["measurement", "records/s", "MB/s", "wall s", "peak RSS MB"], rows);
console.log(`W1 pipeline / floor: ${((records / p.s / (f.n / f.s)) * 100).toFixed(0)}%`);
if (p.summary) console.log(`W1 summary: ${JSON.stringify(p.summary.stats)}`);
console.log("");

// Optional sections, present when their module exists (mapping compiler, plugin benches).
const optional = [
  ["mapping.mjs", "benchMappings", "mapping alone: compiled vs interpreted"],
  ["syslog.mjs", "benchSyslog", "file -> syslog (TCP, octet-counting) into a loopback sink"],
  [
    "cloudtrail-lake.mjs",
    "benchCloudTrailLake",
    "file -> cloudtrail-lake against the loopback PutAuditEvents server",
  ],
  ["s3.mjs", "benchS3", "file -> s3 against s3rver on loopback"],
];
for (const [file, fn, title] of optional) {
  const modulePath = path.join(ROOT, "bench", file);
  if (!fs.existsSync(modulePath)) continue;
  const mod = await import(modulePath);
  if (typeof mod[fn] !== "function") continue;
  const sub = fs.mkdtempSync(path.join(dir, "sub-"));
  const result = await mod[fn]({ records: Math.min(records, 100_000), dir: sub });
  const list = Array.isArray(result) ? result : result.rows;
  if (!list?.length) continue;
  console.log(`### ${title}`);
  console.log("");
  const headers = Object.keys(list[0]);
  table(
    headers,
    list.map((r) => headers.map((h) => (typeof r[h] === "number" ? fmt2(r[h]) : String(r[h])))),
  );
}
function fmt2(n) {
  return Number.isInteger(n) || Math.abs(n) >= 100 ? fmt(n) : n.toFixed(2);
}
fs.rmSync(dir, { recursive: true, force: true });
