/**
 * One writer per state directory: `run` holds `run.lock` (its pid) for its lifetime, so a second `run`, or a
 * `deadletter replay` that would write behind a running engine's back, is refused instead of corrupting state.
 * A lock left by a killed process (its pid is gone) is taken over.
 */
import fs from "node:fs";
import path from "node:path";
import { ERROR_CODES } from "../error-codes.js";
import { LogShipperError } from "../sdk/errors.js";

export class StateLockedError extends LogShipperError {
  constructor(dir: string, pid: number) {
    super(ERROR_CODES.STATE_LOCKED, `state directory ${dir} is in use by a running logshipper (pid ${pid})`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Takes the lock; returns the function that releases it. Throws StateLockedError when a live process holds it. */
export function lockState(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "run.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.rmSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new StateLockedError(dir, pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new StateLockedError(dir, Number(fs.readFileSync(file, "utf8")));
}
