/**
 * One attempt per record of a batch: prepare every record (prepare.ts; what can never be sent is answered
 * `permanent` alone), cut the rest into requests by the exact bytes of the body (pack.ts), send up to
 * `concurrency` requests at a time through the account's rate limiter, and put one result per record
 * (outcomes.ts): only the events CloudTrail names in `successful[]` are `ok`.
 */
import type { OutputRecord, PluginContext } from "@logshipper/core/sdk";
import type { CloudTrailDataClient } from "../client.js";
import type { CloudTrailLakeConfig } from "../config.js";
import { classify } from "../errors.js";
import { eventResults, requestFailure, type RecordResult } from "./outcomes.js";
import { pack, requestBody } from "./pack.js";
import { prepare, type PreparedEntry } from "./prepare.js";
import { acquire, type RateLimiter } from "./rate-limit.js";

type IndexedEntry = PreparedEntry & { index: number };

export class BatchSender {
  constructor(
    private readonly config: CloudTrailLakeConfig,
    /** The channel owner's account: every event's recipientAccountId. */
    private readonly account: string,
    /** `PutAuditEvents <host>`, for error messages. */
    private readonly action: string,
    private readonly limiter: RateLimiter,
    private readonly data: () => CloudTrailDataClient,
    private readonly ctx: PluginContext,
  ) {}

  /** One result per record of `batch`, in order. */
  async send(batch: OutputRecord[], signal: AbortSignal): Promise<RecordResult[]> {
    const results: RecordResult[] = new Array<RecordResult>(batch.length);
    const entries: IndexedEntry[] = [];
    batch.forEach((record, index) => {
      const prepared = prepare(record, { account: this.account });
      if (prepared.ok) entries.push({ ...prepared.entry, index });
      else results[index] = { status: "permanent", reason: prepared.reason, code: prepared.code };
    });
    const requests = pack(entries);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) await this.sendRequest(requests[next++]!, results, signal);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, requests.length) }, worker));
    this.ctx.logger.debug({ records: batch.length, requests: requests.length }, "batch sent");
    return results;
  }

  /** Send one request and put a result for each of its entries in `results`. */
  private async sendRequest(entries: IndexedEntry[], results: RecordResult[], signal: AbortSignal) {
    const now = () => this.ctx.clock.now();
    try {
      await acquire(this.limiter, signal, now);
      const response = await this.data().putAuditEvents(
        {
          channelArn: this.config.channelArn,
          externalId: this.config.externalId,
          body: requestBody(entries),
        },
        signal,
      );
      this.ctx.metrics.count("cloudtrail_requests");
      const byId = eventResults(
        entries.map((e) => e.id),
        response,
        this.action,
      );
      for (const e of entries) results[e.index] = byId.get(e.id)!;
      if (response.failed.length > 0)
        this.ctx.metrics.count("cloudtrail_events_failed", response.failed.length);
    } catch (error) {
      const failure = requestFailure(classify(error, this.action, now()));
      for (const e of entries) results[e.index] = failure;
    }
  }
}
