/**
 * The `template` destination: sends each batch as one NDJSON POST (one mapped record per line) to `url`.
 *
 * The contract with core:
 * - `limits` are the remote API's hard limits. Core never builds a larger batch; operators choose smaller
 *   batches with the core `batch:` options.
 * - `send` makes one attempt and returns one outcome per record, in the order of the batch. It never retries,
 *   sleeps or logs failures: core does that, and dedups, checkpoints and counts.
 * - A record is `ok` only once the remote side has it durably (here: the server answered 2xx).
 * - When the whole request fails, `send` throws the classified error (errors.ts).
 *
 * The server may answer a 2xx with per-record results, `{"results": [{"status": "ok" | "retry" | "fail",
 * "reason": "..."}]}`, one per line in order (like HTTP 207 Multi-Status); any other 2xx body means every line
 * was accepted.
 */
import {
  ConfigurationError,
  type Destination,
  type PluginContext,
  type RecordOutcome,
} from "@logshipper/core/sdk";
import { TemplateClient, type HttpResponse } from "./client.js";
import type { TemplateDestinationConfig } from "./config.js";
import { ERROR_CODES } from "./error-codes.js";
import { classify, parseRetryAfter } from "./errors.js";

/** Most lines in one request (the remote API's documented limit). */
export const MAX_BATCH_RECORDS = 1000;
/** Largest request body the remote API accepts. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** Largest single line the remote API accepts. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export function createTemplateDestination(
  config: TemplateDestinationConfig,
  ctx: PluginContext,
): Destination {
  const client = new TemplateClient({ url: config.url, token: config.token, timeoutMs: config.timeout });
  const action = `POST ${client.display}`;

  return {
    limits: {
      maxBatchRecords: MAX_BATCH_RECORDS,
      // Core counts `record.bytes`, the JSON text alone; each line adds "\n": leave room for one per record.
      maxBatchBytes: MAX_REQUEST_BYTES - MAX_BATCH_RECORDS,
      maxRecordBytes: MAX_RECORD_BYTES,
    },

    async send(batch, signal) {
      if (batch.length === 0) return { outcomes: [] };
      // `record.json` is JSON.stringify(record.value), computed once by core: never serialise again.
      const body = batch.map((record) => `${record.json}\n`).join("");
      let response: HttpResponse;
      try {
        response = await client.postNdjson(body, signal);
      } catch (error) {
        throw classify(error, action, ctx.clock.now());
      }
      const outcomes = outcomesOf(response, batch.length, action, ctx.clock.now());
      const refused = outcomes.filter((o) => o.status !== "ok").length;
      if (refused > 0) ctx.metrics.count("template_records_not_accepted", refused);
      return { outcomes };
    },

    // `validate --connect`: an empty POST (no lines) checks the url and the token without sending data.
    async check() {
      try {
        await client.postNdjson("", ctx.signal);
      } catch (error) {
        throw classify(error, action, ctx.clock.now());
      }
      return `${client.display} is reachable and accepts the credentials`;
    },

    // `logshipper test-destination`: one harmless line that an operator can find on the remote side.
    async test() {
      const line = JSON.stringify({
        message: "Log Shipper test message",
        destination: ctx.name,
        time: new Date(ctx.clock.now()).toISOString(),
      });
      try {
        await client.postNdjson(`${line}\n`, ctx.signal);
      } catch (error) {
        throw classify(error, action, ctx.clock.now());
      }
      return `${client.display} accepted a test message`;
    },

    close() {
      client.close(); // idempotent, and safe before any request
      return Promise.resolve();
    },
  };
}

interface RecordResult {
  status?: unknown;
  reason?: unknown;
}

/** One outcome per line, from a 2xx response. */
export function outcomesOf(
  response: HttpResponse,
  count: number,
  action: string,
  now: number = Date.now(),
): RecordOutcome[] {
  const ok: RecordOutcome[] = Array.from({ length: count }, () => ({ status: "ok" }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return ok; // An empty or plain-text 2xx body: everything was accepted.
  }
  if (parsed === null || typeof parsed !== "object" || !("results" in parsed)) return ok;
  const results = parsed.results;
  const bad = (why: string) =>
    new ConfigurationError(`${action}: per-record results ${why}; is url the right endpoint?`, {
      code: ERROR_CODES.TEMPLATE_BAD_RESPONSE,
    });
  if (!Array.isArray(results)) throw bad("are not a list");
  if (results.length !== count) throw bad(`name ${results.length} records, the request had ${count}`);
  const retryAfterMs = parseRetryAfter(headerText(response.headers["retry-after"]), now);
  return results.map((result: RecordResult | null, i): RecordOutcome => {
    const reason = typeof result?.reason === "string" && result.reason !== "" ? result.reason : undefined;
    switch (result?.status) {
      case "ok":
        return { status: "ok" };
      case "retry":
        return {
          status: "retryable",
          reason: reason ?? "the server asked to retry this record",
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        };
      case "fail":
        return {
          status: "permanent",
          reason: reason ?? "the server refused this record",
          code: ERROR_CODES.TEMPLATE_RECORD_REJECTED,
        };
      default:
        throw bad(`have an unknown status at index ${i}: ${JSON.stringify(result?.status)}`);
    }
  });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
