/**
 * The SQLite state store's durable buffer (sqlite.ts): records appended by ingest, read by lanes from their
 * cursors, pruned once every lane is past them. Its size in bytes is kept in memory, so backpressure checks
 * never query the database.
 */
import type Database from "better-sqlite3";
import type { Buffer, BufferedRecord, RecordToBuffer } from "./interfaces.js";
import { guardSqlite } from "./errors.js";
import { groupedSql, insertInGroups } from "./sqlite-insert.js";

const RECORD_INSERT =
  "INSERT INTO buffer (source, id, type, subtype, time, data, origin, bytes, lane) VALUES ";
const RECORD_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";

interface BufferRow {
  seq: number;
  source: string;
  id: string;
  type: string;
  subtype: string;
  time: number;
  data: string;
  origin: string | null;
  lane: string | null;
}

export class SqliteBuffer implements Buffer {
  private bytes: number;
  private readonly insertStmt;
  private readonly insertGroupStmt;
  private readonly readStmt;
  private readonly lastStmt;
  private readonly countStmt;
  private readonly pruneSizeStmt;
  private readonly pruneStmt;
  private readonly othersStmt;
  private readonly truncateStmt;

  constructor(
    private readonly db: Database.Database,
    /** The database file, named in errors. */
    private readonly file: string,
  ) {
    this.insertStmt = db.prepare(RECORD_INSERT + RECORD_VALUES);
    this.insertGroupStmt = db.prepare(groupedSql(RECORD_INSERT, RECORD_VALUES));
    this.readStmt = db.prepare<[string, number, number], BufferRow>(
      "SELECT seq, source, id, type, subtype, time, data, origin, lane FROM buffer WHERE source = ? AND seq > ? ORDER BY seq LIMIT ?",
    );
    this.lastStmt = db.prepare<[string], { s: number | null }>(
      "SELECT max(seq) AS s FROM buffer WHERE source = ?",
    );
    this.countStmt = db.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM buffer WHERE source = ? AND seq > ?",
    );
    this.pruneSizeStmt = db.prepare<[string, number], { b: number | null }>(
      "SELECT sum(bytes) AS b FROM buffer WHERE source = ? AND seq <= ?",
    );
    this.pruneStmt = db.prepare<[string, number]>("DELETE FROM buffer WHERE source = ? AND seq <= ?");
    // Three range probes of the (source, seq) index: is anything left once this prune is done?
    this.othersStmt = db.prepare<{ source: string; seq: number }, { left: number }>(
      "SELECT EXISTS (SELECT 1 FROM buffer WHERE source < @source) OR EXISTS (SELECT 1 FROM buffer WHERE source > @source) OR EXISTS (SELECT 1 FROM buffer WHERE source = @source AND seq > @seq) AS left",
    );
    // Without a WHERE clause SQLite drops the table's pages at once instead of deleting row by row.
    this.truncateStmt = db.prepare("DELETE FROM buffer");
    const row = db.prepare<[], { b: number | null }>("SELECT sum(bytes) AS b FROM buffer").get();
    this.bytes = row?.b ?? 0;
  }

  /**
   * Insert `records` (inside the caller's transaction), pushing each one's seq onto `seqs`; returns the bytes
   * written. The caller reports them with `added` once the transaction has committed.
   */
  append(records: RecordToBuffer[], seqs: number[]): number {
    let bytes = 0;
    // The seqs of one statement's rows are consecutive: AUTOINCREMENT gives each row the next value, in order,
    // and this connection is the only writer.
    insertInGroups(
      records,
      (params, r) => {
        const size = r.dataJson.length;
        params.push(
          r.source,
          r.id,
          r.type,
          r.subtype,
          r.time,
          r.dataJson,
          r.origin ?? null,
          size,
          r.lane ?? null,
        );
        bytes += size;
      },
      this.insertGroupStmt,
      this.insertStmt,
      (last, rows) => {
        for (let seq = last - rows + 1; seq <= last; seq++) seqs.push(seq);
      },
    );
    return bytes;
  }

  added(bytes: number): void {
    this.bytes += bytes;
  }

  read(source: string, afterSeq: number, limit: number): Promise<BufferedRecord[]> {
    const rows = guardSqlite(this.file, () => this.readStmt.all(source, afterSeq, limit));
    return Promise.resolve(
      rows.map((r) => ({
        seq: r.seq,
        id: r.id,
        type: r.type,
        subtype: r.subtype,
        source: r.source,
        time: r.time,
        dataJson: r.data,
        origin: r.origin,
        // Only on the rare replayed record: the rows lanes read in bulk stay as small as they were.
        ...(r.lane === null ? {} : { lane: r.lane }),
      })),
    );
  }

  lastSeq(source: string): Promise<number> {
    return Promise.resolve(guardSqlite(this.file, () => this.lastStmt.get(source))?.s ?? 0);
  }

  countAfter(source: string, afterSeq: number): Promise<number> {
    return Promise.resolve(guardSqlite(this.file, () => this.countStmt.get(source, afterSeq))?.n ?? 0);
  }

  prune(source: string, upToSeq: number): Promise<number> {
    const freed = guardSqlite(this.file, () => this.prunedBytes(source, upToSeq));
    this.bytes = Math.max(0, this.bytes - freed);
    return Promise.resolve(freed);
  }

  /** Deletes what every lane has passed, in one transaction; returns the bytes it held. */
  private prunedBytes(source: string, upToSeq: number): number {
    return this.db.transaction(() => {
      if (this.othersStmt.get({ source, seq: upToSeq })?.left === 0) {
        // Everything buffered goes (the common case once lanes have caught up): what it held is what is freed.
        this.truncateStmt.run();
        return this.bytes;
      }
      const b = this.pruneSizeStmt.get(source, upToSeq)?.b ?? 0;
      if (b > 0) this.pruneStmt.run(source, upToSeq);
      return b;
    })();
  }

  sizeBytes(): number {
    return this.bytes;
  }
}
