/**
 * One writer per state directory (the SQLite backend's lock; another backend brings its own, such as a lease).
 * `run`, and `deadletter replay`, which would write behind a running engine's back, hold an exclusive SQLite
 * lock on `state.dir/writer.lock` for their lifetime. SQLite takes it as an fcntl lock, which the kernel drops
 * when the process ends, however it ends: there is no stale lock to detect and no check-then-act race between
 * two starts. `run.lock` names the holder's pid, for people and messages only: it decides nothing.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ERROR_CODES } from "../error-codes.js";
import { LogShipperError } from "../sdk/errors.js";

/** The lock itself (an SQLite database that holds no data) and the note that names its holder. */
export const LOCK_FILE = "writer.lock";
export const HOLDER_FILE = "run.lock";

export class StateLockedError extends LogShipperError {
  constructor(dir: string, holder: string | undefined) {
    super(
      ERROR_CODES.STATE_LOCKED,
      `state directory ${dir} is in use by another logshipper process` +
        (holder ? ` (pid ${holder}, from ${HOLDER_FILE})` : "") +
        "; stop it first, or give this configuration its own state.dir",
    );
  }
}

/**
 * The connections that hold a lock. Referenced from here so that garbage collection never closes one (which
 * would drop its lock) while its holder still counts on it, whatever the holder keeps of the release function.
 */
const held = new Set<Database.Database>();

/** The pid the holder wrote, if it has written it yet. */
function holderPid(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, HOLDER_FILE), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock; returns the function that releases it. Throws StateLockedError when another process holds it. */
export function lockState(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  // timeout 0: a held lock is an answer now, not something to wait for.
  const db = new Database(path.join(dir, LOCK_FILE), { timeout: 0 });
  try {
    // In exclusive locking mode SQLite keeps the lock of the connection's first write until it closes: a real
    // write (SQLite's documented rule), not an empty transaction.
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec(
      `BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; ` +
        `INSERT INTO holder VALUES (${process.pid}); COMMIT`,
    );
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === "SQLITE_BUSY") throw new StateLockedError(dir, holderPid(dir));
    throw error;
  }
  held.add(db);
  const holder = path.join(dir, HOLDER_FILE);
  fs.writeFileSync(holder, `${process.pid}\n`);
  return () => {
    if (!db.open) return;
    // Removed while the lock is still held, so it never names a process that no longer holds the lock.
    fs.rmSync(holder, { force: true });
    db.close();
    held.delete(db);
  };
}
