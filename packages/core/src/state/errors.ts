/**
 * State errors every backend reports the same way (docs/errors.md): a damaged store stops every command with
 * what is wrong and what to do; a store that cannot write for now (a full disk) is waited out by the engine.
 * The SQLite backend turns its own errors into these with `sqliteStateError`.
 */
import path from "node:path";
import { ERROR_CODES } from "../error-codes.js";
import { LogShipperError } from "../sdk/errors.js";

/** The state is damaged: nothing reads or writes it until an operator has dealt with it. */
export class StateCorruptError extends LogShipperError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    const dir = path.dirname(file);
    super(
      ERROR_CODES.STATE_CORRUPT,
      `state database ${file} is damaged (${detail}). Stop logshipper, then either move ${dir} aside and start ` +
        `again with new state (sources start over, so records may be delivered again; dedup history and dead ` +
        `letters are lost), or save what can be saved: sqlite3 ${file} .recover | sqlite3 ` +
        `${path.join(dir, "recovered.db")}, and put recovered.db in place of ${path.basename(file)}`,
      options,
    );
  }
}

/** The state cannot be written for now: nothing is lost, the engine keeps what it has not committed and retries. */
export class StateFullError extends LogShipperError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(
      ERROR_CODES.STATE_FULL,
      `cannot write the state database ${file}: ${detail}. Free space on the volume of ${path.dirname(file)} ` +
        `(or move state.dir to a larger one); nothing is lost: uncommitted work is kept and retried`,
      options,
    );
  }
}

/** Whether an error (also one sent back by the state thread, which keeps only its code) says the store is full. */
export function isStateFull(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === ERROR_CODES.STATE_FULL;
}

/** SQLite's codes for a damaged database file (also when it is not a database at all). */
const CORRUPT_CODES = new Set([
  "SQLITE_CORRUPT",
  "SQLITE_CORRUPT_INDEX",
  "SQLITE_CORRUPT_SEQUENCE",
  "SQLITE_NOTADB",
]);
const FULL_CODES = new Set(["SQLITE_FULL"]);

/** The state error an SQLite error means, or the error itself when it is none of them. */
export function sqliteStateError(error: unknown, file: string): unknown {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code !== "string") return error;
  const detail = `${e.code}: ${String(e.message)}`;
  if (CORRUPT_CODES.has(e.code)) return new StateCorruptError(file, detail, { cause: error });
  if (FULL_CODES.has(e.code)) return new StateFullError(file, detail, { cause: error });
  return error;
}

/** Runs `fn` on an SQLite database at `file`, its SQLite errors turned into state errors. */
export function guardSqlite<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw sqliteStateError(error, file);
  }
}
