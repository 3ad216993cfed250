// The `cloudtrail-lake` destination in `npm run bench`: the whole pipeline (file -> rule All -> the default Netskope
// mapping -> dedup -> cloudtrail-lake) in a child process, against the loopback CloudTrail Lake (SigV4 checked, no
// injected faults). Reports records/s, PutAuditEvents requests/s and bytes per request. The client-side limit
// (90 requests/s per account by default) is what caps a channel: the point is that the engine holds it there with
// full requests (100 events) and CPU to spare (cpuSec is the child's user+system CPU time, from /proc).
//
//   import { benchCloudTrailLake } from "./cloudtrail-lake.mjs";
//   const { rows } = await benchCloudTrailLake({ records: 50_000, dir }); // optional: latencyMs: 50
// or on its own: node bench/cloudtrail-lake.mjs [--records N] [--latency MS]
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateW1 } from "./w1.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "packages/core/dist/cli/main.js");
const ARN = "arn:aws:cloudtrail:us-east-1:123456789012:channel/bench";

/** User + system CPU seconds of a live process, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function run(config, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, "run", "--once", "-c", config], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env, LOGSHIPPER_LOG_LEVEL: "info" },
    });
    let stderr = "";
    let cpu;
    const poll = setInterval(() => (cpu = cpuSeconds(child.pid) ?? cpu), 100);
    child.stdout.resume();
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      clearInterval(poll);
      const wallSec = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) return reject(new Error(`cloudtrail-lake bench: pipeline exited ${code}\n${stderr}`));
      const finished = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === "run finished");
      resolve({ wallSec, rss: finished?.maxRssBytes ?? 0, cpuSec: cpu });
    });
  });
}

/** One measurement: `records` W1 alerts through the pipeline to a loopback channel. */
async function measure({ records, dir, name, options = "", latencyMs }) {
  const { startFakeLake, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } =
    await import("@logshipper/plugin-cloudtrail-lake/testing");
  const lake = await startFakeLake({ channels: [{ arn: ARN }] });
  if (latencyMs) lake.setRandom({ slow: 1, slowMs: latencyMs });
  const work = fs.mkdtempSync(path.join(dir, "lake-"));
  try {
    generateW1(path.join(work, "w1.ndjson"), records);
    const config = path.join(work, "bench.yaml");
    fs.writeFileSync(
      config,
      `state: { dir: state }
sources:
  w1: { plugin: file, path: w1.ndjson, format: ndjson, recordType: alert, subtypeField: alert_type, idField: _id, timeField: timestamp }
destinations:
  lake: { plugin: cloudtrail-lake, channelArn: "${ARN}", endpoint: "${lake.url}"${options} }
siemMappings:
  - { source: w1, destination: lake }
`,
    );
    const r = await run(config, {
      AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    const accepted = lake.events.length;
    if (accepted !== records)
      throw new Error(`cloudtrail-lake bench: ${accepted} of ${records} events accepted`);
    const requests = lake.requests.length;
    const bytes = lake.requests.reduce((n, q) => n + q.bytes, 0);
    const span = (lake.requests.at(-1).at - lake.requests[0].at) / 1000;
    return {
      measurement: name,
      recordsPerSec: records / r.wallSec,
      requestsPerSec: requests / r.wallSec,
      // From the first request to the last: the rate while delivering, without process start-up and shutdown.
      steadyRequestsPerSec: span > 0 ? (requests - 1) / span : undefined,
      bytesPerRequest: bytes / requests,
      eventsPerRequest: accepted / requests,
      wallSec: r.wallSec,
      peakRssMb: r.rss / 1024 / 1024,
      cpuSec: r.cpuSec,
    };
  } finally {
    await lake.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `latencyMs` adds a second row where the loopback server answers each PutAuditEvents after that delay, as a
 * distant region would (AWS answers in tens of milliseconds; loopback in a few).
 */
export async function benchCloudTrailLake({ records, dir, latencyMs }) {
  const rows = [];
  rows.push(
    await measure({
      records,
      dir,
      name: "pipeline: file -> mapping -> cloudtrail-lake (loopback, default 90 requests/s limit)",
    }),
  );
  if (latencyMs) {
    rows.push(
      await measure({
        records,
        dir,
        latencyMs,
        name: `pipeline: file -> mapping -> cloudtrail-lake (loopback + ${latencyMs} ms per request)`,
      }),
    );
  }
  return { rows };
}

// `node bench/cloudtrail-lake.mjs [--records N]` on its own.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const records = Number(args[args.indexOf("--records") + 1] ?? 0) || 50_000;
  const latencyMs = args.includes("--latency") ? Number(args[args.indexOf("--latency") + 1]) : undefined;
  const dir = fs.mkdtempSync(path.join((await import("node:os")).tmpdir(), "ls-bench-lake-"));
  const { rows } = await benchCloudTrailLake({ records, dir, latencyMs });
  console.log(
    "| measurement | records/s | requests/s | requests/s delivering | bytes/request | events/request | wall s | CPU s | peak RSS MB |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.measurement} | ${Math.round(r.recordsPerSec)} | ${r.requestsPerSec.toFixed(1)} | ${r.steadyRequestsPerSec?.toFixed(1) ?? "?"} | ${Math.round(r.bytesPerRequest)} | ${r.eventsPerRequest.toFixed(1)} | ${r.wallSec.toFixed(2)} | ${r.cpuSec?.toFixed(2) ?? "?"} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
