// `npm run bench` part for the s3 plugin: file -> s3 and s3 -> file through the CLI, against s3rver on loopback
// (a child process, as in the tests). Needs a build (`npm run build`): it uses the plugin's test support from dist.
// Usage on its own: node bench/s3.mjs [--records N]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateW1 } from "./w1.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "packages/core/dist/cli/main.js");

function run(config) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, "run", "--once", "-c", config], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        LOGSHIPPER_LOG_LEVEL: "info",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    });
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) return reject(new Error(`logshipper exited ${code}\n${stderr.slice(-2000)}`));
      const finished = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === "run finished");
      resolve({ s, rss: finished?.maxRssBytes ?? 0, stats: finished?.summary?.[0]?.stats });
    });
  });
}

/** Rows: file -> s3 and s3 -> file, with records/s and MB/s of NDJSON input. */
export async function benchS3({ records, dir }) {
  const { FakeS3 } = await import("@logshipper/plugin-s3/testing");
  const s3 = await new FakeS3().start();
  try {
    await s3.createBucket("bench");
    const bytes = generateW1(path.join(dir, "w1-s3.ndjson"), records);
    const mb = bytes / 1024 / 1024;
    const aws = `endpoint: "${s3.url}", forcePathStyle: true, region: us-east-1, credentials: { accessKeyId: S3RVER, secretAccessKey: S3RVER }`;
    const write = path.join(dir, "file-to-s3.yaml");
    fs.writeFileSync(
      write,
      `state: { dir: state-file-to-s3 }
sources:
  w1: { plugin: file, path: w1-s3.ndjson, format: ndjson, recordType: alert, idField: _id, timeField: timestamp }
destinations:
  lake: { plugin: s3, bucket: bench, prefix: w1, key: "{type}/{date}/{file}", maxObjectAge: 1s, ${aws} }
siemMappings:
  - { source: w1, destination: lake }
`,
    );
    const read = path.join(dir, "s3-to-file.yaml");
    fs.writeFileSync(
      read,
      `state: { dir: state-s3-to-file }
sources:
  lake: { plugin: s3, bucket: bench, prefix: w1/, format: ndjson, recordType: alert, idField: _id, timeField: timestamp, ${aws} }
destinations:
  out: { plugin: file, dir: out-s3 }
siemMappings:
  - { source: lake, destination: out }
`,
    );
    const up = await run(write);
    const down = await run(read);
    const row = (name, r) => ({
      name,
      records,
      seconds: r.s,
      recordsPerSecond: records / r.s,
      mbPerSecond: mb / r.s,
      peakRssMb: r.rss / 1024 / 1024,
      sent: r.stats?.sent,
    });
    return {
      rows: [
        row("file -> s3 (s3rver, whole process)", up),
        row("s3 -> file (s3rver, poll, whole process)", down),
      ],
    };
  } finally {
    await s3.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const records = Number(args[args.indexOf("--records") + 1] ?? 0) || 100_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-bench-s3-"));
  try {
    const { rows } = await benchS3({ records, dir });
    console.log("| measurement | records/s | MB/s | wall s | peak RSS MB |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      const fmt = (n) => Math.round(n).toLocaleString("en-US");
      console.log(
        `| ${r.name} | ${fmt(r.recordsPerSecond)} | ${r.mbPerSecond.toFixed(1)} | ${r.seconds.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
