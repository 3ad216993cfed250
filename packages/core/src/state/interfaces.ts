/**
 * Engine state contracts (docs/architecture.md, "Delivery"; docs/reliability.md, "State backend"). The
 * embedded backend is SQLite (sqlite.ts); a distributed backend (NATS JetStream is planned) implements the
 * same interfaces. Every method works on a whole batch, so a remote backend pays one round trip per batch,
 * never per record.
 */
import type { LogRecord } from "../sdk/types.js";

/** A record in the durable buffer, with its position. `data` stays JSON text until a lane needs it. */
export interface BufferedRecord {
  seq: number;
  id: string;
  type: string;
  subtype: string;
  source: string;
  time: number;
  dataJson: string;
  origin: string | null;
  /** Set when only this SIEM mapping (lane) is to read the record: a replayed dead letter. */
  lane?: string | null;
}

/** A record about to be appended: the record plus its data already serialised. */
export interface RecordToBuffer extends Omit<LogRecord, "data"> {
  dataJson: string;
  origin?: string | undefined;
  /** Only this SIEM mapping (lane) reads the record: a replayed dead letter goes back to where it failed. */
  lane?: string | undefined;
}

export type DeadLetterStage = "ingest" | "mapping" | "output" | "send";

export interface DeadLetterInput {
  stage: DeadLetterStage;
  source: string;
  mapping?: string | undefined;
  destination?: string | undefined;
  recordId?: string | undefined;
  origin?: string | undefined;
  code: string;
  reason: string;
  /** The record as JSON (mapping, output and send stages) or the raw input text (ingest stage). */
  payload: string;
}

export interface DeadLetter extends DeadLetterInput {
  id: number;
  at: number;
}

/** The durable buffer: records appended by sources, read by every SIEM mapping from its own cursor. */
export interface Buffer {
  /** Records of `source` with seq > afterSeq, at most `limit`, in order. */
  read(source: string, afterSeq: number, limit: number): Promise<BufferedRecord[]>;
  /** Highest seq appended for a source (0 when none). */
  lastSeq(source: string): Promise<number>;
  /** Number of records of `source` after `afterSeq` (backlog). */
  countAfter(source: string, afterSeq: number): Promise<number>;
  /** Delete records of `source` at or below `upToSeq` (every cursor has passed them). Returns bytes freed. */
  prune(source: string, upToSeq: number): Promise<number>;
  /** Bytes of record data held. */
  sizeBytes(): number;
}

export interface LaneCursor {
  /** Last seq whose fate is settled (sent, deduplicated, filtered or dead-lettered). */
  seq: number;
  /** Ends (last seqs) of the batches that were being sent when the process stopped, ascending, so that they
   * are re-formed identically. */
  inflight: number[];
}

export interface Acknowledgement {
  lane: string;
  destination: string;
  /** New cursor position. */
  cursor: number;
  /** Ends of the batches still in flight after this one. */
  inflight: number[];
  /** Ids the destination acknowledged, recorded for dedup until `expiresAt`. */
  ackedIds: string[];
  expiresAt: number;
  deadLetters: DeadLetterInput[];
}

export interface StateStore {
  readonly buffer: Buffer;
  /** Append a pulled batch and commit the source checkpoint, atomically. Resolves with each record's seq. */
  ingest(
    source: string,
    records: RecordToBuffer[],
    rejects: DeadLetterInput[],
    checkpoint: unknown,
  ): Promise<number[]>;
  getCheckpoint(source: string): Promise<unknown>;
  listCheckpoints(): Promise<{ source: string; checkpoint: unknown; updatedAt: number }[]>;

  getCursor(lane: string): Promise<LaneCursor>;
  /** Journal the ends of the batches in flight (a new one is added before it is sent). */
  setInflight(lane: string, ends: number[]): Promise<void>;
  /** Advance a lane's cursor, record acknowledged ids for dedup and add dead letters, atomically. */
  acknowledge(ack: Acknowledgement): Promise<void>;
  /** Record ids acknowledged by a destination in a partial result, before the batch is finished. */
  rememberSent(destination: string, ids: string[], expiresAt: number): Promise<void>;
  /** The subset of `ids` already delivered to `destination` (and not expired at `now`). */
  delivered(destination: string, ids: string[], now: number): Promise<Set<string>>;
  /** Drop expired dedup entries. */
  expireDedup(now: number): Promise<number>;

  addDeadLetters(letters: DeadLetterInput[]): Promise<void>;
  listDeadLetters(options?: { limit?: number; afterId?: number }): Promise<DeadLetter[]>;
  countDeadLetters(): Promise<number>;
  deleteDeadLetters(ids: number[]): Promise<void>;
  /** Put records back into the buffer (dead-letter replay) and delete their dead letters, atomically. */
  requeue(records: RecordToBuffer[], deadLetterIds: number[]): Promise<void>;

  /** Small key-value space per plugin instance. */
  pluginGet(scope: string, key: string): unknown;
  pluginSet(scope: string, key: string, value: unknown): void;

  close(): Promise<void>;
}
