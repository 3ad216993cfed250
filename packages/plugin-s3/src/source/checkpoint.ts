/**
 * Checkpoints of the `s3` source (plain JSON, committed by core with each batch's records), and how an object's
 * items go into the SDK's `SourceBatcher`.
 *
 * poll: `{v: 1, mode: "poll", after?, cur?}`: `after` is the last key read to its end (the next listing starts
 * after it, `StartAfter`), `cur` the object in progress and the position after its last record handed over.
 *
 * sqs: `{v: 1, mode: "sqs", del, seen, parts}`:
 * - `del`: messages whose records are all committed, with their receipt handle: they are deleted as soon as
 *   the engine asks for the next batch (it asks only after committing this one), or at the start of the next
 *   pull after a crash or a stop;
 * - `seen`: ids of messages recently deleted, so that a message SQS delivers again is deleted, not read again;
 * - `parts`: messages read in part (object index in the notification, position in that object), so that a
 *   message that comes back after a crash resumes where its committed records end.
 */
import { LogShipperError, PARSER_MODES, z, type SourceBatcher } from "@logshipper/core/sdk";
import { ERROR_CODES } from "../error-codes.js";
import type { ObjectItem, ObjectPosition } from "./reader.js";

const position = z.object({
  offset: z.number().int().nonnegative(),
  line: z.number().int().positive(),
  mode: z.enum([...PARSER_MODES, "cloudtrail"]).optional(),
  gz: z.literal(true).optional(),
  index: z.number().int().nonnegative().optional(),
  etag: z.string().optional(),
  end: z.literal(true).optional(),
});

const pollCheckpoint = z.object({
  v: z.literal(1),
  mode: z.literal("poll"),
  after: z.string().optional(),
  cur: z.object({ key: z.string(), pos: position.optional() }).optional(),
});
export type PollCheckpoint = z.output<typeof pollCheckpoint>;

const sqsCheckpoint = z.object({
  v: z.literal(1),
  mode: z.literal("sqs"),
  del: z.array(z.object({ id: z.string(), rh: z.string() })),
  seen: z.array(z.string()),
  parts: z.record(
    z.string(),
    z.object({ o: z.number().int().nonnegative(), pos: position.optional(), t: z.number() }),
  ),
});
export type SqsCheckpoint = z.output<typeof sqsCheckpoint>;

/** A checkpoint of this source for `mode`; undefined when there is none or it belongs to the other mode. */
export function readCheckpoint<M extends "poll" | "sqs">(
  mode: M,
  checkpoint: unknown,
  onOtherMode: () => void,
): (M extends "poll" ? PollCheckpoint : SqsCheckpoint) | undefined {
  if (checkpoint === undefined || checkpoint === null) return undefined;
  const schema = mode === "poll" ? pollCheckpoint : sqsCheckpoint;
  const parsed = schema.safeParse(checkpoint);
  if (parsed.success) return parsed.data as M extends "poll" ? PollCheckpoint : SqsCheckpoint;
  const other = (mode === "poll" ? sqsCheckpoint : pollCheckpoint).safeParse(checkpoint);
  if (other.success) {
    onOtherMode();
    return undefined;
  }
  throw new LogShipperError(
    ERROR_CODES.S3_CHECKPOINT,
    `unrecognised s3 source checkpoint ${JSON.stringify(checkpoint).slice(0, 200)}`,
  );
}

/** The position to store: undefined for the start of an object. */
export function storedPosition(pos: ObjectPosition | undefined): ObjectPosition | undefined {
  return pos === undefined || (pos.offset === 0 && pos.mode === undefined && pos.end === undefined)
    ? undefined
    : pos;
}

export interface SourceLimits {
  /** Records + rejects per batch. */
  maxBatchRecords: number;
  /** Input bytes per batch. */
  maxBatchBytes: number;
  /** Keys per ListObjectsV2 page (poll). */
  pageKeys: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxBatchRecords: 1000,
  maxBatchBytes: 1024 * 1024,
  pageKeys: 1000,
};

/** One item of an object into the batch: a record, or a reject (a dead letter). */
export function addItem(batch: SourceBatcher, item: ObjectItem): void {
  if (item.kind === "reject") {
    const invalid = item.invalidUtf8 && { invalidUtf8: true as const };
    batch.reject({ origin: item.origin, reason: item.reason, raw: item.raw, ...invalid }, item.bytes);
    return;
  }
  batch.add(
    {
      data: item.data,
      origin: item.origin,
      ...(item.id !== undefined && { id: item.id }),
      ...(item.time !== undefined && { time: item.time }),
      ...(item.invalidUtf8 && { invalidUtf8: true as const }),
    },
    item.bytes,
  );
}
