/**
 * The embedded state database (sqlite.ts): its tables, the connection settings, and the migration of state
 * directories made by earlier versions.
 */
import Database from "better-sqlite3";
import { StateCorruptError } from "./errors.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS buffer (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: lane cursors compare against it
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  subtype TEXT NOT NULL,
  time INTEGER NOT NULL,
  data TEXT NOT NULL,
  origin TEXT,
  bytes INTEGER NOT NULL DEFAULT 0,
  lane TEXT -- set: only this SIEM mapping reads the record (a replayed dead letter)
);
CREATE INDEX IF NOT EXISTS buffer_source_seq ON buffer (source, seq);
CREATE TABLE IF NOT EXISTS checkpoints (source TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (lane TEXT PRIMARY KEY, seq INTEGER NOT NULL, inflight TEXT);
CREATE TABLE IF NOT EXISTS dedup (
  destination TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (destination, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_expiry ON dedup (expires_at);
CREATE TABLE IF NOT EXISTS deadletters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  stage TEXT NOT NULL,
  source TEXT NOT NULL,
  mapping TEXT,
  destination TEXT,
  record_id TEXT,
  origin TEXT,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plugin_state (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, key));
`;

/**
 * Open (creating if need be) the database file in WAL mode. "normal" sync survives a process crash; "full"
 * also survives power loss (slower).
 */
export function openStateDatabase(file: string, sync: "normal" | "full" | undefined): Database.Database {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${sync === "full" ? "FULL" : "NORMAL"}`);
    db.pragma("busy_timeout = 5000");
    checkIntact(db, file);
    db.exec(SCHEMA);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Damage found at open, by every command alike: otherwise each command would fail, or not, depending on which
 * pages it happens to read. quick_check reads every page once (about 1 ms per MB when cached) but skips the
 * slower index-content checks of integrity_check.
 */
function checkIntact(db: Database.Database, file: string): void {
  const problems = db
    .prepare<[], { quick_check: string }>("PRAGMA quick_check(3)")
    .all()
    .flatMap((r) => r.quick_check.split("\n"))
    .filter((line) => !line.startsWith("***"));
  if (problems.length === 1 && problems[0] === "ok") return;
  throw new StateCorruptError(file, `SQLite's quick_check found: ${problems.join("; ")}`);
}

/**
 * State directories made by earlier versions. (Record sizes have their own column: summing length(data) to
 * account for pruned records would read every one of them.)
 */
function migrate(db: Database.Database): void {
  const columns = (table: string) =>
    db
      .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
      .all()
      .map((c) => c.name);
  if (!columns("cursors").includes("inflight")) db.exec("ALTER TABLE cursors ADD COLUMN inflight TEXT");
  const buffer = columns("buffer");
  if (!buffer.includes("bytes")) db.exec("ALTER TABLE buffer ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0");
  if (!buffer.includes("lane")) db.exec("ALTER TABLE buffer ADD COLUMN lane TEXT");
}
