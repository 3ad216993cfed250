// `npm run bench` part: file -> rule (All) -> mapping -> syslog destination (TCP, octet-counting) into a loopback
// sink that counts octet-counted frames. Two mappings: the generic JSON one (the destination's default) and the
// Netskope CEF one. `benchSyslog({ records, dir })` returns rows for bench/run.mjs; run alone:
//   node bench/syslog.mjs [--records N]
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateW1 } from "./w1.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "packages/core/dist/cli/main.js");

/** A TCP receiver that counts octet-counted frames and their bytes; resolves `done` after `expected` frames. */
function sink(expected) {
  let frames = 0;
  let bytes = 0;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  const server = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      bytes += chunk.length;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let i = 0;
      for (;;) {
        const sp = pending.indexOf(0x20, i);
        if (sp === -1) break;
        const len = Number(pending.toString("latin1", i, sp));
        if (sp + 1 + len > pending.length) break;
        frames++;
        i = sp + 1 + len;
      }
      pending = pending.subarray(i);
      if (frames >= expected) resolveDone();
    });
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: server.address().port,
        done,
        stats: () => ({ frames, bytes }),
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

function runCli(config) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, "run", "--once", "-c", config], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LOGSHIPPER_LOG_LEVEL: "info" },
    });
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) return reject(new Error(`syslog pipeline exited ${code}\n${stderr}`));
      const finished = stderr
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === "run finished");
      resolve({ s, rss: finished?.maxRssBytes ?? 0, summary: finished?.summary?.[0] });
    });
  });
}

async function measure({ records, dir, input, mb, name, payload, mapping }) {
  const receiver = await sink(records);
  const config = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    config,
    `state: { dir: state-${name} }
sources:
  w1: { plugin: file, path: ${JSON.stringify(input)}, format: ndjson, recordType: alert, subtypeField: alert_type, idField: _id, timeField: timestamp }
destinations:
  siem: { plugin: syslog, host: 127.0.0.1, port: ${receiver.port}, protocol: tcp, framing: octet-counting, payload: ${payload} }
siemMappings:
  - { source: w1, destination: siem${mapping ? `, mapping: ${JSON.stringify(mapping)}` : ""} }
`,
  );
  const run = await runCli(config);
  await Promise.race([receiver.done, new Promise((r) => setTimeout(r, 5000))]);
  const { frames, bytes } = receiver.stats();
  await receiver.close();
  if (frames !== records) throw new Error(`${name}: the sink received ${frames} of ${records} messages`);
  return {
    measurement: `file -> syslog ${payload.toUpperCase()} (TCP, octet-counting, ${(bytes / records).toFixed(0)} B/message)`,
    recordsPerSec: records / run.s,
    mbPerSec: mb / run.s,
    wallSec: run.s,
    peakRssMb: run.rss / 1024 / 1024,
  };
}

/** file -> syslog (TCP, octet-counting) into a loopback sink, with the JSON and the Netskope CEF mapping. */
export async function benchSyslog({ records, dir }) {
  const input = path.join(dir, "syslog-w1.ndjson");
  const bytes = generateW1(input, records);
  const mb = bytes / 1024 / 1024;
  const rows = [];
  rows.push(await measure({ records, dir, input, mb, name: "syslog-json", payload: "json" }));
  const cef = path.join(ROOT, "mappings/netskope/syslog-cef.jsonata");
  rows.push(await measure({ records, dir, input, mb, name: "syslog-cef", payload: "cef", mapping: cef }));
  return { rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const records = Number(args[args.indexOf("--records") + 1] ?? 0) || 200_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-bench-syslog-"));
  const fmt = (n) => Math.round(n).toLocaleString("en-US");
  try {
    const { rows } = await benchSyslog({ records, dir });
    console.log(`node ${process.version}, ${os.cpus().length} cores; ${fmt(records)} W1 records`);
    console.log("| measurement | records/s | MB/s | wall s | peak RSS MB |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.measurement} | ${fmt(r.recordsPerSec)} | ${r.mbPerSec.toFixed(1)} | ${r.wallSec.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
