/**
 * vitest globalSetup: gives the run an id that test files inherit (so suites skipped for a missing system
 * program are recorded in one place), and at the end prints what was skipped and how to enable it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Skipped {
  name: string;
  suites: string;
  install: string;
}

export default function setup(): () => void {
  process.env["LOGSHIPPER_TEST_RUN"] = String(process.pid);
  const dir = path.join(os.tmpdir(), `logshipper-skipped-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return () => {
    if (!fs.existsSync(dir)) return;
    const skipped = fs
      .readdirSync(dir)
      .map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Skipped);
    fs.rmSync(dir, { recursive: true, force: true });
    if (skipped.length === 0) return;
    const lines = skipped.map((s) => `  - ${s.suites}: ${s.name} not found; to run them: sudo ${s.install}`);
    process.stdout.write(
      `\nSkipped, for want of a system program (CI=true fails instead):\n${lines.join("\n")}\n`,
    );
  };
}
