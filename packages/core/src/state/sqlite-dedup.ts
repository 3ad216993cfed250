/**
 * Dedup for the SQLite state store (sqlite.ts): the ids each destination acknowledged, with an expiry, so a
 * record replayed after a crash is not sent twice.
 */
import type Database from "better-sqlite3";
import { groupedSql, insertInGroups } from "./sqlite-insert.js";

/** Ids per dedup lookup statement (SQLite allows 32766 parameters). */
const DEDUP_CHUNK = 256;

const DEDUP_INSERT = "INSERT INTO dedup (destination, id, expires_at) VALUES ";
const DEDUP_VALUES = "(?, ?, ?)";
const DEDUP_UPSERT = " ON CONFLICT(destination, id) DO UPDATE SET expires_at = excluded.expires_at";

type LookupStatement = Database.Statement<unknown[], { id: string }>;

export class SqliteDedup {
  private readonly putStmt;
  private readonly putGroupStmt;
  private readonly expireStmt;
  /** Lookup statements by id count, prepared on first use: the full chunk, and each shorter tail met. */
  private readonly lookups = new Map<number, LookupStatement>();

  constructor(private readonly db: Database.Database) {
    this.putStmt = db.prepare(DEDUP_INSERT + DEDUP_VALUES + DEDUP_UPSERT);
    this.putGroupStmt = db.prepare(groupedSql(DEDUP_INSERT, DEDUP_VALUES, DEDUP_UPSERT));
    this.expireStmt = db.prepare("DELETE FROM dedup WHERE expires_at <= ?");
  }

  /** Remember `ids` as sent to `destination` until `expiresAt` (inside the caller's transaction). */
  put(destination: string, ids: readonly string[], expiresAt: number): void {
    insertInGroups(
      ids,
      (params, id) => params.push(destination, id, expiresAt),
      this.putGroupStmt,
      this.putStmt,
    );
  }

  /** Which of `ids` `destination` already has, unexpired at `now`. */
  delivered(destination: string, ids: string[], now: number): Set<string> {
    const found = new Set<string>();
    // One statement per DEDUP_CHUNK ids: far fewer calls into SQLite than one lookup per id.
    for (let i = 0; i < ids.length; i += DEDUP_CHUNK) {
      const chunk = ids.slice(i, i + DEDUP_CHUNK);
      const stmt = this.lookup(chunk.length);
      for (const row of stmt.all(destination, now, ...chunk)) found.add(row.id);
    }
    return found;
  }

  /** Drop the entries expired at `now`; returns how many. */
  expire(now: number): number {
    return this.expireStmt.run(now).changes;
  }

  private lookup(n: number): LookupStatement {
    let stmt = this.lookups.get(n);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], { id: string }>(
        `SELECT id FROM dedup WHERE destination = ? AND expires_at > ? AND id IN (${Array(n).fill("?").join(",")})`,
      );
      this.lookups.set(n, stmt);
    }
    return stmt;
  }
}
