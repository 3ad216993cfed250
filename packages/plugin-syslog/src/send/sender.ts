/**
 * One attempt at a batch for the destination (see destination.ts for the contract with core): encode each record
 * (message.ts), write the frames over the client's connection, and map what the socket accepted to outcomes.
 */
import type { OutputRecord, PluginContext, RecordOutcome } from "@logshipper/core/sdk";
import type { SyslogClient } from "./client.js";
import { classify } from "../errors.js";
import { encodeRecord, type MessageOptions } from "./message.js";

export class SyslogSender {
  /** The client's connections counted in `syslog_connections` so far. */
  private connects = 0;

  constructor(
    private readonly client: SyslogClient,
    private readonly options: MessageOptions,
    private readonly ctx: PluginContext,
  ) {}

  /** Counts the connections the client opened since the last call. */
  countConnects(): void {
    const { client } = this;
    if (client.connects > this.connects)
      this.ctx.metrics.count("syslog_connections", client.connects - this.connects);
    this.connects = client.connects;
  }

  /** The outcome of each record of a non-empty batch; throws the classified error when nothing was written. */
  async deliver(batch: OutputRecord[], signal: AbortSignal): Promise<RecordOutcome[]> {
    const { client, options, ctx } = this;
    const outcomes: RecordOutcome[] = new Array<RecordOutcome>(batch.length);
    const frames: string[] = [];
    const positions: number[] = [];
    let truncated = 0;
    for (const [i, record] of batch.entries()) {
      const encoded = encodeRecord(record, options);
      if (!encoded.ok) {
        outcomes[i] = { status: "permanent", reason: encoded.reason, code: encoded.code };
        continue;
      }
      if (encoded.truncated) truncated++;
      frames.push(encoded.frame);
      positions.push(i);
    }
    if (truncated > 0) ctx.metrics.count("syslog_truncated", truncated);
    if (frames.length === 0) return outcomes;
    const result = await client.write(frames, signal);
    this.countConnects();
    if (result.error !== undefined && result.accepted === 0) throw classify(result.error, client.display);
    const reason =
      result.error === undefined ? "" : (classify(result.error, client.display) as Error).message;
    for (const [j, i] of positions.entries()) {
      outcomes[i] = j < result.accepted ? { status: "ok" } : { status: "retryable", reason };
    }
    if (result.accepted < frames.length)
      ctx.metrics.count("syslog_not_written", frames.length - result.accepted);
    return outcomes;
  }
}
