/**
 * Dead letters for the SQLite state store (sqlite.ts): records that failed a stage, kept with the reason until
 * an operator replays or deletes them. Writes run inside the caller's transaction, so a batch's dead letters
 * commit with the rest of its outcome.
 */
import type Database from "better-sqlite3";
import type { DeadLetter, DeadLetterInput } from "./interfaces.js";

interface DeadLetterRow {
  id: number;
  at: number;
  stage: DeadLetter["stage"];
  source: string;
  mapping: string | null;
  destination: string | null;
  record_id: string | null;
  origin: string | null;
  code: string;
  reason: string;
  payload: string;
}

export class SqliteDeadLetters {
  private readonly insertStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      "INSERT INTO deadletters (at, stage, source, mapping, destination, record_id, origin, code, reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.listStmt = db.prepare<[number, number], DeadLetterRow>(
      "SELECT * FROM deadletters WHERE id > ? ORDER BY id LIMIT ?",
    );
    this.countStmt = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM deadletters");
    this.deleteStmt = db.prepare("DELETE FROM deadletters WHERE id = ?");
  }

  insert(letters: DeadLetterInput[], at: number): void {
    for (const d of letters) {
      this.insertStmt.run(
        at,
        d.stage,
        d.source,
        d.mapping ?? null,
        d.destination ?? null,
        d.recordId ?? null,
        d.origin ?? null,
        d.code,
        d.reason,
        d.payload,
      );
    }
  }

  list(afterId: number, limit: number): DeadLetter[] {
    return this.listStmt.all(afterId, limit).map(fromDeadRow);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  delete(ids: number[]): void {
    for (const id of ids) this.deleteStmt.run(id);
  }
}

function fromDeadRow(r: DeadLetterRow): DeadLetter {
  const letter: DeadLetter = {
    id: r.id,
    at: r.at,
    stage: r.stage,
    source: r.source,
    code: r.code,
    reason: r.reason,
    payload: r.payload,
  };
  if (r.mapping !== null) letter.mapping = r.mapping;
  if (r.destination !== null) letter.destination = r.destination;
  if (r.record_id !== null) letter.recordId = r.record_id;
  if (r.origin !== null) letter.origin = r.origin;
  return letter;
}
