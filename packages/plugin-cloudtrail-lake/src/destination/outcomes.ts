/**
 * From what happened to each request of a batch to one outcome per record.
 *
 * A 200 from PutAuditEvents can hold failures: every event is named in `successful[]` or `failed[]` by its id.
 * Per-event codes: `Throttling` and `InternalFailure` are retried; `AccountNotSubscribed` and `InvalidRecipient`
 * mean the account or channel is wrong (a configuration problem: they pause the destination rather than
 * dead-letter the data); the others (FieldTooLong, FieldNotFound, InvalidChecksum, InvalidData,
 * InvalidEventSource, ...) dead-letter that event alone, with CloudTrail's code and message.
 *
 * `settle` gives core the outcomes, or throws when nothing was accepted and a whole-request error explains it
 * all, so that core pauses (configuration) or backs off (retryable) with that error's code and message.
 */
import {
  ConfigurationError,
  DestinationError,
  type RecordOutcome,
  type SendResult,
} from "@logshipper/core/sdk";
import type { PutAuditEventsResult } from "../client.js";
import { ERROR_CODES } from "../error-codes.js";

export type RecordResult =
  | { status: "ok" }
  | { status: "retryable"; reason: string; retryAfterMs?: number; requestError?: DestinationError }
  | { status: "permanent"; reason: string; code: string }
  | { status: "config"; error: DestinationError }
  | { status: "unexpected"; error: unknown };

const RETRYABLE_EVENT_CODES = new Set(["Throttling", "InternalFailure"]);
const CONFIG_EVENT_CODES: Record<string, string> = {
  AccountNotSubscribed: "the channel's account has no CloudTrail Lake subscription",
  InvalidRecipient: "recipientAccountId is not the channel owner's account",
};

/** One result per entry id of a request, from CloudTrail's answer. */
export function eventResults(
  ids: readonly string[],
  response: PutAuditEventsResult,
  action: string,
): Map<string, RecordResult> {
  const out = new Map<string, RecordResult>();
  for (const s of response.successful) out.set(s.id, { status: "ok" });
  for (const f of response.failed) {
    const reason = `${f.errorCode}: ${f.errorMessage}`;
    if (RETRYABLE_EVENT_CODES.has(f.errorCode)) {
      // No hint of our own: core's backoff (retry.initialDelay, doubling) spaces the resends.
      out.set(f.id, { status: "retryable", reason });
    } else if (CONFIG_EVENT_CODES[f.errorCode] !== undefined) {
      const error = new ConfigurationError(`${action}: ${reason} (${CONFIG_EVENT_CODES[f.errorCode]})`, {
        code: ERROR_CODES.CLOUDTRAIL_ACCOUNT,
      });
      out.set(f.id, { status: "config", error });
    } else {
      out.set(f.id, { status: "permanent", reason, code: ERROR_CODES.CLOUDTRAIL_EVENT_REJECTED });
    }
  }
  for (const id of ids) {
    if (!out.has(id))
      out.set(id, { status: "retryable", reason: "CloudTrail's answer does not mention this event" });
  }
  return out;
}

/** The result for every record of a request that failed as a whole, from its classified error. */
export function requestFailure(classified: unknown): RecordResult {
  if (classified instanceof DestinationError) {
    if (classified.kind === "config") return { status: "config", error: classified };
    if (classified.kind === "permanent")
      return { status: "permanent", reason: classified.message, code: classified.code };
    return {
      status: "retryable",
      reason: classified.message,
      ...(classified.retryAfterMs !== undefined && { retryAfterMs: classified.retryAfterMs }),
      requestError: classified,
    };
  }
  return { status: "unexpected", error: classified };
}

function toOutcome(result: RecordResult): RecordOutcome {
  switch (result.status) {
    case "ok":
      return { status: "ok" };
    case "permanent":
      return { status: "permanent", reason: result.reason, code: result.code };
    case "retryable":
      return {
        status: "retryable",
        reason: result.reason,
        ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }),
      };
    case "config":
      return { status: "retryable", reason: result.error.message };
    case "unexpected":
      return { status: "retryable", reason: (result.error as Error | null)?.message ?? String(result.error) };
  }
}

/**
 * Outcomes in the order of the batch. When no record was accepted: a configuration error is thrown (core pauses
 * the destination), then an unclassified one (a bug surfaces as it is), then, if every record failed with a
 * whole-request retryable error, the first of those with the longest hint (core logs it and backs off).
 * Otherwise, and always once something was accepted (so that it is never sent again), outcomes are returned:
 * a configuration or unexpected failure then becomes `retryable`, and the next attempt, with only the records
 * that failed, throws it.
 */
export function settle(results: readonly RecordResult[]): SendResult {
  if (!results.some((r) => r.status === "ok")) {
    const config = results.find((r) => r.status === "config");
    if (config) throw config.error;
    const unexpected = results.find((r) => r.status === "unexpected");
    if (unexpected) throw unexpected.error;
    const errors = results.flatMap((r) =>
      r.status === "retryable" && r.requestError ? [r.requestError] : [],
    );
    if (errors.length > 0 && errors.length === results.length) {
      throw errors.reduce((a, b) => ((b.retryAfterMs ?? 0) > (a.retryAfterMs ?? 0) ? b : a));
    }
  }
  return { outcomes: results.map(toOutcome) };
}
