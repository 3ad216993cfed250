/**
 * Embedded state: one SQLite database (WAL) in `state.dir`. This file is the `StateStore` itself: checkpoints,
 * lane cursors, plugin state, and the transactions that commit a batch's outcome as one. The tables and their
 * migrations are in sqlite-schema.ts, the buffer in sqlite-buffer.ts, dedup in sqlite-dedup.ts, dead letters
 * in sqlite-dead-letters.ts.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import type {
  Acknowledgement,
  DeadLetter,
  DeadLetterInput,
  LaneCursor,
  RecordToBuffer,
  StateStore,
} from "./interfaces.js";
import { SqliteBuffer } from "./sqlite-buffer.js";
import { SqliteDeadLetters } from "./sqlite-dead-letters.js";
import { SqliteDedup } from "./sqlite-dedup.js";
import { guardSqlite } from "./errors.js";
import { openStateDatabase } from "./sqlite-schema.js";

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

/** The statements of checkpoints, cursors and plugin state (the buffer, dedup and dead letters have their own). */
function prepareStatements(db: Database.Database) {
  return {
    putCheckpoint: db.prepare(
      "INSERT INTO checkpoints (source, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    ),
    getCheckpoint: db.prepare<[string], { value: string }>("SELECT value FROM checkpoints WHERE source = ?"),
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
    pluginGet: db.prepare<[string, string], { value: string }>(
      "SELECT value FROM plugin_state WHERE scope = ? AND key = ?",
    ),
    pluginSet: db.prepare(
      "INSERT INTO plugin_state (scope, key, value) VALUES (?, ?, ?) ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value",
    ),
  };
}

export class SqliteStateStore implements StateStore {
  readonly db: Database.Database;
  readonly buffer: SqliteBuffer;
  private readonly now: () => number;
  private readonly dedup: SqliteDedup;
  private readonly deadLetters: SqliteDeadLetters;
  private readonly stmts: ReturnType<typeof prepareStatements>;

  constructor(
    readonly file: string,
    options: SqliteOptions,
  ) {
    this.now = options.clock ?? Date.now;
    this.db = guardSqlite(file, () => openStateDatabase(file, options.sync));
    try {
      this.buffer = guardSqlite(file, () => new SqliteBuffer(this.db, file));
      this.dedup = new SqliteDedup(this.db);
      this.deadLetters = new SqliteDeadLetters(this.db);
      this.stmts = prepareStatements(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** SQLite's errors as state errors (errors.ts): a damaged or full database says which file and what to do. */
  private guard<T>(fn: () => T): T {
    return guardSqlite(this.file, fn);
  }

  /** One write transaction, guarded. */
  private write<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn)());
  }

  ingest(
    source: string,
    records: RecordToBuffer[],
    rejects: DeadLetterInput[],
    checkpoint: unknown,
  ): Promise<number[]> {
    const seqs: number[] = [];
    const bytes = this.write(() => {
      const b = this.buffer.append(records, seqs);
      this.deadLetters.insert(rejects, this.now());
      this.stmts.putCheckpoint.run(source, JSON.stringify(checkpoint ?? null), this.now());
      return b;
    });
    // Counted only once the transaction has committed: a rolled-back append holds no bytes.
    this.buffer.added(bytes);
    return Promise.resolve(seqs);
  }

  getCheckpoint(source: string): Promise<unknown> {
    const row = this.guard(() => this.stmts.getCheckpoint.get(source));
    return Promise.resolve(row ? (JSON.parse(row.value) as unknown) : undefined);
  }

  listCheckpoints(): Promise<{ source: string; checkpoint: unknown; updatedAt: number }[]> {
    return Promise.resolve(
      this.guard(() => this.stmts.listCheckpoints.all()).map((r) => ({
        source: r.source,
        checkpoint: JSON.parse(r.value) as unknown,
        updatedAt: r.updated_at,
      })),
    );
  }

  getCursor(lane: string): Promise<LaneCursor> {
    const row = this.guard(() => this.stmts.getCursor.get(lane));
    const inflight = row?.inflight ? (JSON.parse(row.inflight) as number[]) : [];
    return Promise.resolve({ seq: row?.seq ?? 0, inflight });
  }

  setInflight(lane: string, ends: number[]): Promise<void> {
    this.guard(() => this.stmts.setInflight.run(lane, ends.length ? JSON.stringify(ends) : null));
    return Promise.resolve();
  }

  acknowledge(ack: Acknowledgement): Promise<void> {
    this.write(() => {
      this.stmts.putCursor.run(
        ack.lane,
        ack.cursor,
        ack.inflight.length ? JSON.stringify(ack.inflight) : null,
      );
      this.dedup.put(ack.destination, ack.ackedIds, ack.expiresAt);
      this.deadLetters.insert(ack.deadLetters, this.now());
    });
    return Promise.resolve();
  }

  rememberSent(destination: string, ids: string[], expiresAt: number): Promise<void> {
    this.write(() => this.dedup.put(destination, ids, expiresAt));
    return Promise.resolve();
  }

  delivered(destination: string, ids: string[], now: number): Promise<Set<string>> {
    return Promise.resolve(this.guard(() => this.dedup.delivered(destination, ids, now)));
  }

  expireDedup(now: number): Promise<number> {
    return Promise.resolve(this.guard(() => this.dedup.expire(now)));
  }

  addDeadLetters(letters: DeadLetterInput[]): Promise<void> {
    this.write(() => this.deadLetters.insert(letters, this.now()));
    return Promise.resolve();
  }

  listDeadLetters(options: { limit?: number; afterId?: number } = {}): Promise<DeadLetter[]> {
    return Promise.resolve(
      this.guard(() => this.deadLetters.list(options.afterId ?? 0, options.limit ?? 1000)),
    );
  }

  countDeadLetters(): Promise<number> {
    return Promise.resolve(this.guard(() => this.deadLetters.count()));
  }

  deleteDeadLetters(ids: number[]): Promise<void> {
    this.write(() => this.deadLetters.delete(ids));
    return Promise.resolve();
  }

  requeue(records: RecordToBuffer[], deadLetterIds: number[]): Promise<void> {
    const bytes = this.write(() => {
      const b = this.buffer.append(records, []);
      this.deadLetters.delete(deadLetterIds);
      return b;
    });
    this.buffer.added(bytes);
    return Promise.resolve();
  }

  pluginGet(scope: string, key: string): unknown {
    const row = this.guard(() => this.stmts.pluginGet.get(scope, key));
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  pluginSet(scope: string, key: string, value: unknown): void {
    this.guard(() => this.stmts.pluginSet.run(scope, key, JSON.stringify(value)));
  }

  /** Every plugin key-value entry (a few per plugin instance): what a store on another thread caches. */
  pluginEntries(): { scope: string; key: string; value: unknown }[] {
    return this.guard(() =>
      this.db
        .prepare<[], { scope: string; key: string; value: string }>(
          "SELECT scope, key, value FROM plugin_state",
        )
        .all(),
    ).map((r) => ({ scope: r.scope, key: r.key, value: JSON.parse(r.value) as unknown }));
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
