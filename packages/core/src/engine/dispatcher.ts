/**
 * Delivers one batch to a destination: retries retryable failures with exponential backoff and jitter
 * (p-retry), honours retryAfterMs, resends only the records that failed, dead-letters permanent failures,
 * and pauses on configuration-level failures without dropping anything.
 */
import pRetry, { AbortError } from "p-retry";
import { ERROR_CODES } from "../error-codes.js";
import { DestinationError } from "../sdk/errors.js";
import type { OutputRecord, RecordOutcome, SendResult } from "../sdk/types.js";
import type { DestinationRuntime } from "./destination-runtime.js";
import { sleep } from "../sdk/sleep.js";

export interface Rejected {
  record: OutputRecord;
  code: string;
  reason: string;
}

export interface DeliveryResult {
  acked: OutputRecord[];
  rejected: Rejected[];
}

/** Thrown when shutdown interrupts a delivery: the batch stays in the buffer, uncommitted. */
export class DeliveryInterrupted extends Error {
  readonly code = ERROR_CODES.DELIVERY_INTERRUPTED;
}

/**
 * A classified plugin error. Checked by shape as well as by class, so that a plugin that bundles its own copy
 * of `@logshipper/core` is still understood.
 */
function classified(error: unknown): DestinationError | undefined {
  if (error instanceof DestinationError) return error;
  const e = error as Partial<DestinationError> | null;
  if (e && typeof e === "object" && typeof e.code === "string" && typeof e.message === "string") {
    if (e.kind === "retryable" || e.kind === "permanent" || e.kind === "config") return e as DestinationError;
  }
  return undefined;
}

/**
 * The plugin's send, cut at the shutdown deadline (`signal`): a plugin that does not honour the signal must not
 * hold the process. The send may go on in the background; its outcome is ignored and the batch stays buffered.
 */
function sendUntilAborted(
  dest: DestinationRuntime,
  records: OutputRecord[],
  signal: AbortSignal,
): Promise<SendResult> {
  if (signal.aborted) return Promise.reject(new DeliveryInterrupted("shutdown"));
  let onAbort = () => undefined as void;
  const cut = new Promise<never>((_, reject) => {
    onAbort = () => reject(new DeliveryInterrupted("shutdown deadline: the send was cut"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const sent = (async () => dest.instance.send(records, signal))();
  sent.catch(() => undefined); // a late failure of a send that was cut
  return Promise.race([sent, cut]).finally(() => signal.removeEventListener("abort", onAbort));
}

class PartialFailure extends Error {
  constructor(
    readonly remaining: number,
    readonly retryAfterMs: number,
    readonly firstReason: string,
  ) {
    super(`${remaining} record(s) to retry: ${firstReason}`);
  }
}

/** One attempt's outcomes, sorted: acknowledged now, to retry (with the longest hint and the first reason). */
interface SortedOutcomes {
  okNow: OutputRecord[];
  next: OutputRecord[];
  retryAfterMs: number;
  firstReason: string;
}

/** Sort `outcomes` (one per record of `records`, in order); permanent failures go onto `rejected`. */
function sortOutcomes(
  records: OutputRecord[],
  outcomes: RecordOutcome[],
  rejected: Rejected[],
): SortedOutcomes {
  const next: OutputRecord[] = [];
  const okNow: OutputRecord[] = [];
  let retryAfterMs = 0;
  let firstReason = "";
  for (const [i, outcome] of outcomes.entries()) {
    const record = records[i]!;
    if (outcome.status === "ok") okNow.push(record);
    else if (outcome.status === "permanent")
      rejected.push({ record, code: outcome.code ?? ERROR_CODES.DEST_REJECTED, reason: outcome.reason });
    else {
      next.push(record);
      retryAfterMs = Math.max(retryAfterMs, outcome.retryAfterMs ?? 0);
      firstReason ||= outcome.reason;
    }
  }
  return { okNow, next, retryAfterMs, firstReason };
}

/**
 * p-retry's hook after a failed attempt: a configuration-level failure pauses the destination for
 * `pauseDelay`; any other is logged, and a throttling hint is waited out.
 */
async function failedAttempt(
  dest: DestinationRuntime,
  signal: AbortSignal,
  error: Error,
  attemptNumber: number,
  records: number,
): Promise<void> {
  // Stopping: the batch stays buffered for the next run rather than being retried past the stop.
  if (signal.aborted || dest.stopSignal.aborted) throw new DeliveryInterrupted("shutdown");
  const code = (error as { code?: string }).code;
  const known = classified(error);
  if (known?.kind === "config") {
    dest.pause(known.message, known.code);
    await sleep(dest.config.core.retry.pauseDelay, signal);
    return;
  }
  const hint = error instanceof PartialFailure ? error.retryAfterMs : (known?.retryAfterMs ?? 0);
  dest.failed(code, error.message);
  dest.logger.warn(
    { attempt: attemptNumber, records, code, error: error.message, retryAfterMs: hint },
    "send failed; retrying",
  );
  // Throttling hint: wait at least that long, on top of the backoff p-retry applies next.
  if (hint && hint > 0) await sleep(hint, signal);
}

export interface DeliverOptions {
  signal: AbortSignal;
  /** Called with records acknowledged in a partial result, before the rest is retried. */
  onPartialAck?: (records: OutputRecord[]) => Promise<void>;
}

export async function deliver(
  dest: DestinationRuntime,
  batch: OutputRecord[],
  options: DeliverOptions,
): Promise<DeliveryResult> {
  const { signal } = options;
  // The waits between attempts also end when the run stops (a send itself only at the deadline, `signal`). A
  // batch handed over after the stop (the last one, delivered at shutdown) still gets its one attempt.
  const waits = new AbortController();
  const endWaits = () => waits.abort();
  signal.addEventListener("abort", endWaits, { once: true });
  if (!dest.stopSignal.aborted) dest.stopSignal.addEventListener("abort", endWaits, { once: true });
  if (signal.aborted) waits.abort();
  const acked: OutputRecord[] = [];
  const rejected: Rejected[] = [];
  const retry = dest.config.core.retry;
  let remaining = batch;

  const attempt = async (): Promise<void> => {
    if (signal.aborted) throw new AbortError(new DeliveryInterrupted("shutdown"));
    let result;
    try {
      result = await sendUntilAborted(dest, remaining, signal);
    } catch (error) {
      if (signal.aborted) throw new AbortError(new DeliveryInterrupted("shutdown"));
      const known = classified(error);
      if (known?.kind === "permanent") {
        for (const record of remaining) rejected.push({ record, code: known.code, reason: known.message });
        remaining = [];
        return;
      }
      throw error;
    }
    dest.resume();
    if (result.outcomes.length !== remaining.length) {
      throw new AbortError(
        `destination ${dest.name} returned ${result.outcomes.length} outcomes for ${remaining.length} records (plugin bug)`,
      );
    }
    const { okNow, next, retryAfterMs, firstReason } = sortOutcomes(remaining, result.outcomes, rejected);
    acked.push(...okNow);
    remaining = next;
    if (next.length > 0) {
      if (okNow.length > 0) await options.onPartialAck?.(okNow);
      throw new PartialFailure(next.length, retryAfterMs, firstReason);
    }
  };

  await pRetry(attempt, {
    retries: Infinity,
    factor: 2,
    minTimeout: retry.initialDelay,
    maxTimeout: retry.maxDelay,
    randomize: true,
    signal: waits.signal,
    onFailedAttempt: ({ error, attemptNumber }) =>
      failedAttempt(dest, waits.signal, error, attemptNumber, remaining.length),
    // A pause is not a retry: it must not grow the backoff of the next real failure.
    shouldConsumeRetry: ({ error }) => classified(error)?.kind !== "config",
  })
    .catch((error: unknown) => {
      if (waits.signal.aborted || error instanceof DeliveryInterrupted)
        throw new DeliveryInterrupted("shutdown");
      throw error;
    })
    .finally(() => {
      signal.removeEventListener("abort", endWaits);
      dest.stopSignal.removeEventListener("abort", endWaits);
    });
  return { acked, rejected };
}
