/**
 * One writer per state directory (docs/reliability.md, "One writer per state directory"): the lock is one the
 * kernel drops when its holder dies, so many runs started together on a lock left by a SIGKILL let exactly one
 * in, and a pid in run.lock that now belongs to another program blocks nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, startCli, tempDir, writeConfig, type CliResult } from "./helpers.js";

const ROUNDS = 10;
const STARTS_PER_ROUND = 5;
/** Time for every process of a round to have started and to wait for the moment they all try. */
const START_SPREAD_MS = 600;
const LOCK_MODULE = path.join(ROOT, "packages/core/dist/state/lock.js");

function stateConfig(dir: string): string {
  fs.writeFileSync(path.join(dir, "in.ndjson"), '{"id":"a"}\n{"id":"b"}\n');
  return writeConfig(
    dir,
    `
state: { dir: state }
sources:
  in: { plugin: file, path: in.ndjson, idField: id }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: in, destination: out }
`,
  );
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pid run.lock names once a process holds the lock of `stateDir`. */
function holder(stateDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(stateDir, "run.lock"), "utf8")) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A process that takes the state lock at the time `at` (ms since the epoch) with the built engine's own `lockState` (what `run` does first) and
 * holds it until killed. Lighter than a whole `run` start (no configuration, plugins or pipeline), so that
 * fifty of them fit in a few seconds on a busy machine; `run` itself is started in the test below.
 */
function startLockTaker(stateDir: string, at = Date.now()): LockTaker {
  const script = `
    const { lockState } = await import(${JSON.stringify(LOCK_MODULE)});
    while (Date.now() < ${at});
    try { lockState(${JSON.stringify(stateDir)}); } catch (e) { console.error(e.code, e.message); process.exit(1); }
    console.log("holding");
    setInterval(() => undefined, 60_000);`;
  return startNode(["--input-type=module", "-e", script]);
}

/** Every lock taker, killed after each test: they hold the lock until killed. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

interface LockTaker {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Whether it has said that it holds the lock. */
  holding: () => boolean;
}

function startNode(args: string[]): LockTaker {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, holding: () => stdout.includes("holding") };
}

describe("state lock", () => {
  it(`lets exactly one of ${STARTS_PER_ROUND} processes started together on a stale lock in, ${ROUNDS} rounds`, async () => {
    const state = path.join(tempDir("ls-lock-"), "state");
    // The first stale lock: a holder killed while it held the state.
    let winner = startLockTaker(state);
    await until(() => winner.holding(), "the first process to hold the lock");
    for (let round = 0; round < ROUNDS; round++) {
      winner.child.kill("SIGKILL");
      await winner.done;
      // All of them try at the same moment (process start-up varies by tens of milliseconds): the window a
      // check-then-act lock leaves open is far narrower.
      const at = Date.now() + START_SPREAD_MS;
      const takers = Array.from({ length: STARTS_PER_ROUND }, () => startLockTaker(state, at));
      const exited: CliResult[] = [];
      for (const t of takers) void t.done.then((result) => exited.push(result));
      // Each either holds the lock (and says so) or gives up.
      const holding = () => takers.filter((t) => t.holding());
      await until(() => exited.length + holding().length === STARTS_PER_ROUND, "every process to decide");
      expect(holding().map((t) => t.child.pid)).toHaveLength(1);
      for (const result of exited) {
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toContain("LS_ERR_STATE_LOCKED");
      }
      winner = holding()[0]!;
      expect(holder(state)).toBe(winner.child.pid);
    }
    winner.child.kill("SIGKILL");
    await winner.done;
  });

  it("lets a run start on a lock left by a killed run, and refuses a second one while it runs", async () => {
    const dir = tempDir("ls-lock-");
    const config = stateConfig(dir);
    const killed = startCli(["run", "-c", config]);
    await until(() => holder(path.join(dir, "state")) === killed.child.pid, "the first run to hold the lock");
    killed.child.kill("SIGKILL");
    await killed.done;
    const run = startCli(["run", "-c", config]);
    await until(() => holder(path.join(dir, "state")) === run.child.pid, "the second run to hold the lock");
    const refused = await startCli(["run", "--once", "-c", config]).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`LS_ERR_STATE_LOCKED`);
    expect(refused.stderr).toContain(`pid ${run.child.pid}`);
    run.child.kill("SIGTERM");
    expect((await run.done).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "state/run.lock"))).toBe(false);
  });

  it("is not blocked by a stale pid that another live program now has", async () => {
    const dir = tempDir("ls-lock-");
    const config = stateConfig(dir);
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      fs.mkdirSync(path.join(dir, "state"));
      fs.writeFileSync(path.join(dir, "state/run.lock"), String(other.pid));
      const run = startCli(["run", "--once", "-c", config]);
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toContain("LS_ERR_STATE_LOCKED");
    } finally {
      other.kill();
    }
  });
});
