/**
 * Tests that need a program from the operating system (rsyslogd, nats-server, chromium). On a developer's
 * machine without it, the suite is skipped and the run ends with a message naming the Debian packages that
 * enable it (test/system-programs.setup.ts prints it). Under `CI=true` a missing program fails the suite, so
 * CI never passes by skipping.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SystemProgram {
  /** What the tests call it, e.g. `rsyslogd`. */
  name: string;
  /** Absolute path when found. */
  path: string | undefined;
  /** Debian packages that provide it (and the modules the tests need), e.g. `rsyslog rsyslog-gnutls`. */
  packages: string[];
  /** The program (and every `alsoNeeds` file) is present. */
  available: boolean;
}

export interface SystemProgramOptions {
  /** Where to look before `PATH`. */
  candidates?: string[];
  packages: string[];
  /** Other files the suite needs (globs are not expanded: give each candidate path; one must exist per group). */
  alsoNeeds?: string[][];
  /** The suites that are skipped without it, for the closing message. */
  suites: string;
}

/** Where skipped suites are recorded for the closing message of the run. */
export const SKIPPED_DIR = path.join(
  os.tmpdir(),
  `logshipper-skipped-${process.env["LOGSHIPPER_TEST_RUN"] ?? "adhoc"}`,
);

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds a system program a suite needs. Use as `describe.skipIf(!rsyslogd.available)(...)`. Under `CI=true`
 * a missing program throws, which fails the test file.
 */
export function systemProgram(name: string, options: SystemProgramOptions): SystemProgram {
  const found = (options.candidates ?? []).find((p) => fs.existsSync(p)) ?? onPath(name);
  const extrasPresent = (options.alsoNeeds ?? []).every((group) => group.some((p) => fs.existsSync(p)));
  const available = found !== undefined && extrasPresent;
  const program: SystemProgram = { name, path: found, packages: options.packages, available };
  if (available) return program;
  const install = `apt-get install -y ${options.packages.join(" ")}`;
  if (process.env["CI"] === "true")
    throw new Error(`${name} is required in CI for ${options.suites} (install it: ${install})`);
  fs.mkdirSync(SKIPPED_DIR, { recursive: true });
  fs.writeFileSync(path.join(SKIPPED_DIR, name), JSON.stringify({ name, suites: options.suites, install }));
  return program;
}
