/**
 * Public record and plugin contracts (docs/plugin-authoring.md; the record's path: docs/architecture.md).
 * Plugins import these from `@logshipper/core/sdk`.
 */
import type { z } from "zod";

/** A record as the engine carries it between stages. */
export interface LogRecord {
  /** Event id: from the source (idField / idExpression) or UUIDv5 of the canonical JSON of `data`. */
  id: string;
  /** Data type: "alert" | "event" | another word the source declares. */
  type: string;
  /** e.g. "dlp", "malware", "audit", "page"; "" when unknown. */
  subtype: string;
  /** Name of the source configuration. */
  source: string;
  /** Event time, ms since epoch (timeField), else the time it was pulled. */
  time: number;
  /** The event itself, as parsed JSON. */
  data: unknown;
}

/** What a source yields for one event. Core fills what is left out from the source's core options. */
export interface RecordInput {
  data: unknown;
  id?: string;
  type?: string;
  subtype?: string;
  time?: number;
  /** Where the record came from, for error messages: `file.ndjson:12`, `s3://bucket/key:3`. */
  origin?: string;
  /** The exact JSON text of `data`, when the source has it (an NDJSON line): saves serialising it again. */
  json?: string;
  /** The input held invalid UTF-8, decoded as U+FFFD: counted and logged once per object by core. */
  invalidUtf8?: true;
}

/** Input a source could not turn into a record. Core keeps it as a dead letter; the batch goes on. */
export interface RejectedInput {
  /** Where it came from: `path:line`, `s3://bucket/key:line`, `udp://1.2.3.4:514`. */
  origin: string;
  /** Why it was rejected, for a human. */
  reason: string;
  /** The raw text (possibly truncated by core before it is stored). */
  raw: string;
  /** The input held invalid UTF-8, decoded as U+FFFD (see RecordInput.invalidUtf8). */
  invalidUtf8?: true;
}

/** One pull step: records and the checkpoint that is committed with them, atomically. */
export interface SourceBatch {
  records: RecordInput[];
  rejects?: RejectedInput[];
  /** Inputs skipped because `PluginContext.prefilter` returned false: counted as pulled and filtered out. */
  skipped?: number;
  checkpoint: unknown;
}

export interface Source {
  /**
   * Yield batches after `checkpoint` (undefined on first run). Return when there is nothing more for now;
   * the engine pulls again after the source's `interval`. A source that streams (receiver, follow mode)
   * keeps yielding until `signal` aborts.
   *
   * Contract: the engine asks for batch n+1 (resumes the generator after its `yield`) only once batch n, its
   * records and its checkpoint, is committed to the durable buffer. Code after a `yield` may therefore
   * acknowledge upstream what that batch held (delete SQS messages, ack a broker).
   */
  pull(checkpoint: unknown, signal: AbortSignal): AsyncIterable<SourceBatch>;
  /**
   * Set by a source that acknowledges nothing upstream after a `yield` (a file, a socket): the engine may then
   * ask for the next batches while earlier ones are being committed (in order), so that reading and parsing
   * overlap with the durable buffer's writes. Checkpoints are still committed with their records, in order.
   */
  readAhead?: boolean;
  /** Connectivity check for `validate --connect`. */
  test?(): Promise<void>;
  /** Idempotent, safe without a pull. */
  close?(): Promise<void>;
}

/** A record ready for a destination: the mapped value and its JSON text (serialised once, by core). */
export interface OutputRecord {
  id: string;
  type: string;
  subtype: string;
  source: string;
  time: number;
  /** Name of the destination configuration. */
  destination: string;
  /** Name of the SIEM mapping that produced it. */
  mapping: string;
  /** What the mapping produced. */
  value: unknown;
  /** JSON.stringify(value), computed once by core (which holds it as UTF-8: read it once per record). */
  json: string;
  /** Byte length of `json` in UTF-8. */
  bytes: number;
  /**
   * The UTF-8 bytes of `json`, when core holds them so: a view to copy from (into a request body, a file),
   * not to keep or modify. Saves decoding `json` only to encode it again.
   */
  jsonBytes?(): Uint8Array;
  /** Fields of the input that the mapping never read (present when the destination sets `additionalData`). */
  unmapped?: Record<string, unknown>;
}

export type RecordOutcome =
  | { status: "ok" }
  | { status: "retryable"; reason: string; retryAfterMs?: number }
  | { status: "permanent"; reason: string; code?: string };

/** One outcome per record, in the order of the batch. */
export interface SendResult {
  outcomes: RecordOutcome[];
}

export interface DestinationLimits {
  maxBatchRecords: number;
  maxBatchBytes: number;
  maxRecordBytes?: number;
  /**
   * Batches core may have in `send` at once for one SIEM mapping (default 1). More lets core prepare the
   * next batch while earlier ones are on the wire; acknowledgements are still committed in order.
   */
  maxInFlightBatches?: number;
}

export interface Destination {
  limits: DestinationLimits;
  /**
   * Deliver a batch. Return an outcome per record, or throw a `DestinationError` (see errors.ts) when the
   * whole request failed. A record is acknowledged only when the remote side has it durably.
   */
  send(batch: OutputRecord[], signal: AbortSignal): Promise<SendResult>;
  /** Sends a test message (`logshipper test-destination`); also used by `validate --connect` when there is no `check`. */
  test?(): Promise<string | void>;
  /** Checks access without sending data (`validate --connect`): credentials, bucket, channel. */
  check?(): Promise<string | void>;
  flush?(): Promise<void>;
  close?(): Promise<void>;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface Metrics {
  /** Increment a plugin counter; names are prefixed with `logshipper_plugin_`. */
  count(name: string, value?: number, labels?: Record<string, string>): void;
}

export interface Clock {
  now(): number;
}

/** Small persistent key-value space for a plugin instance (e.g. a token), not for checkpoints. */
export interface PluginState {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface PluginContext {
  /** Name of this configuration (the key under `sources:` or `destinations:`). */
  name: string;
  logger: Logger;
  metrics: Metrics;
  signal: AbortSignal;
  clock: Clock;
  state: PluginState;
  /** "once" under `run --once`: a streaming source should stop when it has read what exists now. */
  mode: "once" | "continuous";
  /** Directory of the configuration file, to resolve relative paths. */
  baseDir: string;
  /**
   * Sources only, optional fast path: a test on the raw JSON text of one event (an NDJSON line) that is false
   * only when no business rule of this source can select it. A source MAY skip such an input without parsing
   * it and count it in `SourceBatch.skipped`. Absent when the rules give nothing to test.
   */
  prefilter?: (text: string) => boolean;
}

interface PluginDefinitionBase<Schema extends z.ZodType> {
  name: string;
  description: string;
  /** zod schema of the plugin's own options; mark secrets with `secret()`. */
  configSchema: Schema;
}

export interface SourcePluginDefinition<
  Schema extends z.ZodType = z.ZodType,
> extends PluginDefinitionBase<Schema> {
  kind: "source";
  create(config: z.output<Schema>, ctx: PluginContext): Source;
}

export interface DestinationPluginDefinition<
  Schema extends z.ZodType = z.ZodType,
> extends PluginDefinitionBase<Schema> {
  kind: "destination";
  /** JSONata text used when a SIEM mapping names no mapping file. */
  defaultMapping?: string;
  /** What a mapping must produce for this destination; checked per record before send. */
  outputSchema?: z.ZodType;
  create(config: z.output<Schema>, ctx: PluginContext): Destination;
}

export type PluginDefinition = SourcePluginDefinition | DestinationPluginDefinition;
