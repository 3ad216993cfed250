/** Embedded state: one SQLite database (WAL) in `state.dir`. */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type {
  Acknowledgement,
  Buffer,
  BufferedRecord,
  DeadLetter,
  DeadLetterInput,
  LaneCursor,
  RecordToBuffer,
  StateStore,
} from "./interfaces.js";

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
  bytes INTEGER NOT NULL DEFAULT 0
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

/** Ids per dedup lookup statement (SQLite allows 32766 parameters). */
const DEDUP_CHUNK = 256;
/** Rows per multi-row INSERT: one call into SQLite for many rows is what makes bulk inserts cheap. */
const INSERT_ROWS = 64;

const RECORD_INSERT = "INSERT INTO buffer (source, id, type, subtype, time, data, origin, bytes) VALUES ";
const RECORD_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?)";
const DEDUP_INSERT = "INSERT INTO dedup (destination, id, expires_at) VALUES ";
const DEDUP_VALUES = "(?, ?, ?)";
const DEDUP_UPSERT = " ON CONFLICT(destination, id) DO UPDATE SET expires_at = excluded.expires_at";

interface BufferRow {
  seq: number;
  source: string;
  id: string;
  type: string;
  subtype: string;
  time: number;
  data: string;
  origin: string | null;
}

export interface SqliteOptions {
  dir: string;
  /** "normal" survives a process crash; "full" also survives power loss (slower). */
  sync?: "normal" | "full";
  clock?: () => number;
}

export function openSqliteState(options: SqliteOptions): SqliteStateStore {
  fs.mkdirSync(options.dir, { recursive: true });
  return new SqliteStateStore(path.join(options.dir, "state.db"), options);
}

class SqliteBuffer implements Buffer {
  private bytes: number;
  private readonly readStmt;
  private readonly lastStmt;
  private readonly countStmt;
  private readonly pruneSizeStmt;
  private readonly pruneStmt;
  private readonly othersStmt;
  private readonly truncateStmt;

  constructor(private readonly db: Database.Database) {
    this.readStmt = db.prepare<[string, number, number], BufferRow>(
      "SELECT seq, source, id, type, subtype, time, data, origin FROM buffer WHERE source = ? AND seq > ? ORDER BY seq LIMIT ?",
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

  added(bytes: number): void {
    this.bytes += bytes;
  }

  read(source: string, afterSeq: number, limit: number): Promise<BufferedRecord[]> {
    const rows = this.readStmt.all(source, afterSeq, limit);
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
      })),
    );
  }

  lastSeq(source: string): Promise<number> {
    return Promise.resolve(this.lastStmt.get(source)?.s ?? 0);
  }

  countAfter(source: string, afterSeq: number): Promise<number> {
    return Promise.resolve(this.countStmt.get(source, afterSeq)?.n ?? 0);
  }

  prune(source: string, upToSeq: number): Promise<number> {
    const freed = this.db.transaction(() => {
      if (this.othersStmt.get({ source, seq: upToSeq })?.left === 0) {
        // Everything buffered goes (the common case once lanes have caught up): what it held is what is freed.
        this.truncateStmt.run();
        return this.bytes;
      }
      const b = this.pruneSizeStmt.get(source, upToSeq)?.b ?? 0;
      if (b > 0) this.pruneStmt.run(source, upToSeq);
      return b;
    })();
    this.bytes = Math.max(0, this.bytes - freed);
    return Promise.resolve(freed);
  }

  sizeBytes(): number {
    return this.bytes;
  }
}

export class SqliteStateStore implements StateStore {
  readonly db: Database.Database;
  readonly buffer: SqliteBuffer;
  private readonly now: () => number;
  private readonly stmts;

  constructor(file: string, options: SqliteOptions) {
    this.now = options.clock ?? Date.now;
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.sync === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    // State directories made by earlier versions. (Record sizes have their own column: summing
    // length(data) to account for pruned records would read every one of them.)
    const columns = (table: string) =>
      this.db
        .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
        .all()
        .map((c) => c.name);
    if (!columns("cursors").includes("inflight"))
      this.db.exec("ALTER TABLE cursors ADD COLUMN inflight TEXT");
    if (!columns("buffer").includes("bytes"))
      this.db.exec("ALTER TABLE buffer ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0");
    this.buffer = new SqliteBuffer(this.db);
    const db = this.db;
    this.stmts = {
      insertRecord: db.prepare(RECORD_INSERT + RECORD_VALUES),
      insertRecords: db.prepare(RECORD_INSERT + Array(INSERT_ROWS).fill(RECORD_VALUES).join(", ")),
      putCheckpoint: db.prepare(
        "INSERT INTO checkpoints (source, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      ),
      getCheckpoint: db.prepare<[string], { value: string }>(
        "SELECT value FROM checkpoints WHERE source = ?",
      ),
      listCheckpoints: db.prepare<[], { source: string; value: string; updated_at: number }>(
        "SELECT source, value, updated_at FROM checkpoints ORDER BY source",
      ),
      getCursor: db.prepare<[string], { seq: number; inflight: string | null }>(
        "SELECT seq, inflight FROM cursors WHERE lane = ?",
      ),
      setInflight: db.prepare(
        "INSERT INTO cursors (lane, seq, inflight) VALUES (?, 0, ?) ON CONFLICT(lane) DO UPDATE SET inflight = excluded.inflight",
      ),
      putCursor: db.prepare(
        "INSERT INTO cursors (lane, seq, inflight) VALUES (?, ?, ?) ON CONFLICT(lane) DO UPDATE SET seq = excluded.seq, inflight = excluded.inflight",
      ),
      putDedup: db.prepare(DEDUP_INSERT + DEDUP_VALUES + DEDUP_UPSERT),
      putDedupRows: db.prepare(
        DEDUP_INSERT + Array(INSERT_ROWS).fill(DEDUP_VALUES).join(", ") + DEDUP_UPSERT,
      ),
      expireDedup: db.prepare("DELETE FROM dedup WHERE expires_at <= ?"),
      insertDead: db.prepare(
        "INSERT INTO deadletters (at, stage, source, mapping, destination, record_id, origin, code, reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      listDead: db.prepare<[number, number], DeadLetterRow>(
        "SELECT * FROM deadletters WHERE id > ? ORDER BY id LIMIT ?",
      ),
      countDead: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM deadletters"),
      deleteDead: db.prepare("DELETE FROM deadletters WHERE id = ?"),
      pluginGet: db.prepare<[string, string], { value: string }>(
        "SELECT value FROM plugin_state WHERE scope = ? AND key = ?",
      ),
      pluginSet: db.prepare(
        "INSERT INTO plugin_state (scope, key, value) VALUES (?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  private appendRecords(records: RecordToBuffer[], seqs: number[]): number {
    let bytes = 0;
    // The seqs of one statement's rows are consecutive: AUTOINCREMENT gives each row the next value, in order,
    // and this connection is the only writer.
    insertInGroups(
      records,
      (params, r) => {
        const size = r.dataJson.length;
        params.push(r.source, r.id, r.type, r.subtype, r.time, r.dataJson, r.origin ?? null, size);
        bytes += size;
      },
      this.stmts.insertRecords,
      this.stmts.insertRecord,
      (last, rows) => {
        for (let seq = last - rows + 1; seq <= last; seq++) seqs.push(seq);
      },
    );
    return bytes;
  }

  private putDedup(destination: string, ids: readonly string[], expiresAt: number): void {
    insertInGroups(
      ids,
      (params, id) => params.push(destination, id, expiresAt),
      this.stmts.putDedupRows,
      this.stmts.putDedup,
    );
  }

  private insertDeadLetters(letters: DeadLetterInput[]): void {
    const at = this.now();
    for (const d of letters) {
      this.stmts.insertDead.run(
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

  ingest(
    source: string,
    records: RecordToBuffer[],
    rejects: DeadLetterInput[],
    checkpoint: unknown,
  ): Promise<number[]> {
    const seqs: number[] = [];
    const bytes = this.db.transaction(() => {
      const b = this.appendRecords(records, seqs);
      this.insertDeadLetters(rejects);
      this.stmts.putCheckpoint.run(source, JSON.stringify(checkpoint ?? null), this.now());
      return b;
    })();
    this.buffer.added(bytes);
    return Promise.resolve(seqs);
  }

  getCheckpoint(source: string): Promise<unknown> {
    const row = this.stmts.getCheckpoint.get(source);
    return Promise.resolve(row ? (JSON.parse(row.value) as unknown) : undefined);
  }

  listCheckpoints(): Promise<{ source: string; checkpoint: unknown; updatedAt: number }[]> {
    return Promise.resolve(
      this.stmts.listCheckpoints.all().map((r) => ({
        source: r.source,
        checkpoint: JSON.parse(r.value) as unknown,
        updatedAt: r.updated_at,
      })),
    );
  }

  getCursor(lane: string): Promise<LaneCursor> {
    const row = this.stmts.getCursor.get(lane);
    const inflight = row?.inflight ? (JSON.parse(row.inflight) as number[]) : [];
    return Promise.resolve({ seq: row?.seq ?? 0, inflight });
  }

  setInflight(lane: string, ends: number[]): Promise<void> {
    this.stmts.setInflight.run(lane, ends.length ? JSON.stringify(ends) : null);
    return Promise.resolve();
  }

  acknowledge(ack: Acknowledgement): Promise<void> {
    this.db.transaction(() => {
      this.stmts.putCursor.run(
        ack.lane,
        ack.cursor,
        ack.inflight.length ? JSON.stringify(ack.inflight) : null,
      );
      this.putDedup(ack.destination, ack.ackedIds, ack.expiresAt);
      this.insertDeadLetters(ack.deadLetters);
    })();
    return Promise.resolve();
  }

  rememberSent(destination: string, ids: string[], expiresAt: number): Promise<void> {
    this.db.transaction(() => this.putDedup(destination, ids, expiresAt))();
    return Promise.resolve();
  }

  delivered(destination: string, ids: string[], now: number): Promise<Set<string>> {
    const found = new Set<string>();
    // One statement per DEDUP_CHUNK ids: far fewer calls into SQLite than one lookup per id.
    for (let i = 0; i < ids.length; i += DEDUP_CHUNK) {
      const chunk = ids.slice(i, i + DEDUP_CHUNK);
      const stmt = chunk.length === DEDUP_CHUNK ? this.dedupChunk : this.dedupStatement(chunk.length);
      for (const row of stmt.all(destination, now, ...chunk)) found.add(row.id);
    }
    return Promise.resolve(found);
  }

  private readonly dedupStatements = new Map<number, Database.Statement<unknown[], { id: string }>>();
  private get dedupChunk(): Database.Statement<unknown[], { id: string }> {
    return this.dedupStatement(DEDUP_CHUNK);
  }
  private dedupStatement(n: number): Database.Statement<unknown[], { id: string }> {
    let stmt = this.dedupStatements.get(n);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], { id: string }>(
        `SELECT id FROM dedup WHERE destination = ? AND expires_at > ? AND id IN (${Array(n).fill("?").join(",")})`,
      );
      this.dedupStatements.set(n, stmt);
    }
    return stmt;
  }

  expireDedup(now: number): Promise<number> {
    return Promise.resolve(this.stmts.expireDedup.run(now).changes);
  }

  addDeadLetters(letters: DeadLetterInput[]): Promise<void> {
    this.db.transaction(() => this.insertDeadLetters(letters))();
    return Promise.resolve();
  }

  listDeadLetters(options: { limit?: number; afterId?: number } = {}): Promise<DeadLetter[]> {
    const rows = this.stmts.listDead.all(options.afterId ?? 0, options.limit ?? 1000);
    return Promise.resolve(rows.map(fromDeadRow));
  }

  countDeadLetters(): Promise<number> {
    return Promise.resolve(this.stmts.countDead.get()?.n ?? 0);
  }

  deleteDeadLetters(ids: number[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.stmts.deleteDead.run(id);
    })();
    return Promise.resolve();
  }

  requeue(records: RecordToBuffer[], deadLetterIds: number[]): Promise<void> {
    const bytes = this.db.transaction(() => {
      const b = this.appendRecords(records, []);
      for (const id of deadLetterIds) this.stmts.deleteDead.run(id);
      return b;
    })();
    this.buffer.added(bytes);
    return Promise.resolve();
  }

  pluginGet(scope: string, key: string): unknown {
    const row = this.stmts.pluginGet.get(scope, key);
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  pluginSet(scope: string, key: string, value: unknown): void {
    this.stmts.pluginSet.run(scope, key, JSON.stringify(value));
  }

  /** Every plugin key-value entry (a few per plugin instance): what a store on another thread caches. */
  pluginEntries(): { scope: string; key: string; value: unknown }[] {
    return this.db
      .prepare<[], { scope: string; key: string; value: string }>(
        "SELECT scope, key, value FROM plugin_state",
      )
      .all()
      .map((r) => ({ scope: r.scope, key: r.key, value: JSON.parse(r.value) as unknown }));
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}

/** The insert parameters of one buffered record; returns its size. */
/**
 * Insert `items` with `group` (a statement of INSERT_ROWS rows) for every whole group and `single` for the
 * rest: one call into SQLite for many rows is what makes bulk inserts cheap. `inserted` hears each statement's
 * last rowid and row count.
 */
function insertInGroups<T>(
  items: readonly T[],
  push: (params: unknown[], item: T) => void,
  group: Database.Statement,
  single: Database.Statement,
  inserted: (lastRowid: number, rows: number) => void = () => undefined,
): void {
  const params: unknown[] = [];
  let i = 0;
  for (; i + INSERT_ROWS <= items.length; i += INSERT_ROWS) {
    params.length = 0;
    for (let k = i; k < i + INSERT_ROWS; k++) push(params, items[k]!);
    inserted(Number(group.run(...params).lastInsertRowid), INSERT_ROWS);
  }
  for (; i < items.length; i++) {
    params.length = 0;
    push(params, items[i]!);
    inserted(Number(single.run(...params).lastInsertRowid), 1);
  }
}

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
