#!/usr/bin/env node
/**
 * `npm run build`: transpiles every package's `src/**\/*.ts` to `dist/` with esbuild (well under a second for
 * the whole tree), so that `npm start` and `npm test` run on the built code without waiting for `tsc -b`.
 * Type checking stays with `tsc -b` in `npm run typecheck` / `npm run check`, which also emits the `.d.ts`
 * files editors and other packages read. Test files are not emitted: vitest runs them from `src/`.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const packagesDir = path.join(root, "packages");

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts"))
      out.push(full);
  }
  return out;
}

/** Outputs whose source is gone (a file moved or deleted): left behind, they would still import and mask the move. */
function pruneStale(dist, src) {
  if (!fs.existsSync(dist)) return;
  for (const entry of fs.readdirSync(dist, { withFileTypes: true })) {
    const full = path.join(dist, entry.name);
    if (entry.isDirectory()) {
      pruneStale(full, path.join(src, entry.name));
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
      continue;
    }
    const stem = entry.name.replace(/(\.d)?\.(js|ts)(\.map)?$/, "");
    if (stem !== entry.name && !fs.existsSync(path.join(src, `${stem}.ts`))) fs.rmSync(full);
  }
}

const started = performance.now();
let files = 0;
for (const name of fs.readdirSync(packagesDir).sort()) {
  const src = path.join(packagesDir, name, "src");
  if (!fs.existsSync(src)) continue;
  const entryPoints = sourceFiles(src);
  files += entryPoints.length;
  pruneStale(path.join(packagesDir, name, "dist"), src);
  await build({
    entryPoints,
    outdir: path.join(packagesDir, name, "dist"),
    outbase: src,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
  });
}
if (process.env.LOGSHIPPER_BUILD_VERBOSE)
  console.error(`built ${files} files in ${Math.round(performance.now() - started)} ms`);
