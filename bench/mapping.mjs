#!/usr/bin/env node
// Mapping alone, compiled vs interpreted: every mapping of the library (mappings/**/*.jsonata) and the W1
// mapping of bench/run.mjs, each evaluated on records in memory (the family's fixture inputs, else W1
// alerts), with jsonata's interpreter (`compileMapping(..., { compile: false })`, awaited per record as the
// engine does) and with the compiled closures (`evaluateSync`). Needs the build (packages/core/dist).
// `benchMappings()` returns the rows; run this file directly to print them as a table.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateW1, W1_MAPPING } from "./w1.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export { W1_MAPPING };

function findFiles(dir, suffix) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") found.push(...findFiles(full, suffix));
    else if (entry.isFile() && entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

/** W1 alerts as the file source makes records of them (id from _id, subtype alert_type, time in ms). */
function w1Records(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-bench-mapping-"));
  try {
    const file = path.join(dir, "w1.ndjson");
    generateW1(file, n);
    return fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const data = JSON.parse(line);
        return {
          id: data._id,
          type: "alert",
          subtype: data.alert_type,
          source: "w1",
          time: data.timestamp * 1000,
          data,
        };
      });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function fixtureRecords(mappingFile) {
  const dir = path.join(path.dirname(mappingFile), "__fixtures__");
  if (!fs.existsSync(dir)) return [];
  return findFiles(dir, ".input.json").map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
}

/** Records per second of `run` over `records`, cycling through them for about `ms` after a warm-up. */
async function rate(records, run, ms) {
  let sink = 0;
  const pass = async (count) => {
    for (let i = 0; i < count; i++) {
      const value = await run(records[i % records.length]);
      if (value !== undefined) sink++;
    }
  };
  await pass(Math.min(20_000, records.length * 200));
  let count = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  const batch = 2_000;
  while (elapsed < ms) {
    await pass(batch);
    count += batch;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (sink < 0) console.log(sink);
  return (count / elapsed) * 1000;
}

/**
 * One row per mapping: `{ mapping, evaluator, interpretedPerSec, compiledPerSec, speedup }`. `evaluator` is
 * "interpreted" (and compiledPerSec null) for a mapping the compiler does not take, with `fallbackReason`.
 */
export async function benchMappings({ ms = 1000, w1Count = 5_000 } = {}) {
  const { compileMapping } = await import(
    pathToFileURL(path.join(ROOT, "packages/core/dist/mapping/index.js"))
  );
  const w1 = w1Records(w1Count);
  const targets = findFiles(path.join(ROOT, "mappings"), ".jsonata").map((file) => ({
    mapping: path.relative(ROOT, file),
    text: fs.readFileSync(file, "utf8"),
    records: fixtureRecords(file),
  }));
  targets.push({ mapping: "W1 (bench/run.mjs)", text: W1_MAPPING, records: w1 });
  const rows = [];
  for (const t of targets) {
    const records = t.records.length > 0 ? t.records : w1;
    const interpreted = compileMapping(t.text, t.mapping, { compile: false });
    const compiled = compileMapping(t.text, t.mapping);
    const interpretedPerSec = await rate(records, (r) => interpreted.evaluate(r).catch(() => undefined), ms);
    if (compiled.evaluateSync === undefined) {
      rows.push({
        mapping: t.mapping,
        evaluator: compiled.evaluator,
        fallbackReason: compiled.fallbackReason,
        interpretedPerSec,
        compiledPerSec: null,
        speedup: null,
      });
      continue;
    }
    const sync = compiled.evaluateSync;
    const compiledPerSec = await rate(
      records,
      (r) => {
        try {
          return sync(r);
        } catch {
          return undefined;
        }
      },
      ms,
    );
    rows.push({
      mapping: t.mapping,
      evaluator: compiled.evaluator,
      interpretedPerSec,
      compiledPerSec,
      speedup: compiledPerSec / interpretedPerSec,
    });
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await benchMappings();
  const fmt = (n) => (n === null ? "-" : Math.round(n).toLocaleString("en-US"));
  console.log("| mapping | interpreted records/s | compiled records/s | speedup |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.mapping} | ${fmt(r.interpretedPerSec)} | ${fmt(r.compiledPerSec)} | ${r.speedup === null ? `- (${r.fallbackReason})` : `${r.speedup.toFixed(1)}x`} |`,
    );
  }
}
