/**
 * A narrow SQS client for the notification queue: receive, delete and change visibility (in batches of ten),
 * and read the queue's attributes for `validate --connect`. One SDK client per source (the queue URL's host is
 * the endpoint), one attempt per call; failures are reported as the SDK raises them (errors.ts classifies).
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { awsClientConfig } from "../aws.js";
import type { S3AwsOptions } from "../aws-options.js";

export interface QueueMessage {
  id: string;
  receiptHandle: string;
  body: string;
  /** How many times the message was received, this time included (ApproximateReceiveCount). */
  receiveCount: number;
}

/** A message to delete or to change: its id (for results) and its latest receipt handle. */
export interface MessageRef {
  id: string;
  receiptHandle: string;
}

export interface BatchResult {
  ok: string[];
  failed: { id: string; code: string; message: string }[];
}

/** SQS accepts at most ten entries in a batch call. */
const BATCH = 10;

/** The region in a queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name. */
export function queueRegion(queueUrl: string): string | undefined {
  return /^https:\/\/sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl)?.[1];
}

type Sdk = typeof import("@aws-sdk/client-sqs");
let sdkModule: Promise<Sdk> | undefined;
/** The SQS SDK, loaded on first use. */
const sdk = (): Promise<Sdk> => (sdkModule ??= import("@aws-sdk/client-sqs"));

export class Queue {
  private client: Promise<SQSClient> | undefined;
  private created: SQSClient | undefined;
  /** The queue's name, for messages. */
  readonly name: string;

  constructor(
    readonly url: string,
    private readonly options: S3AwsOptions,
    private readonly pluginName: string,
  ) {
    this.name = new URL(url).pathname.split("/").filter(Boolean).pop() ?? url;
  }

  /** The SDK client, created on first use. */
  private sqs(): Promise<SQSClient> {
    const region = this.options.region ?? queueRegion(this.url);
    this.client ??= sdk().then(({ SQSClient }) => {
      // Path-style addressing is an S3 matter; the endpoint option is S3's too.
      const options = { ...this.options, region, forcePathStyle: false };
      const config = awsClientConfig(options, this.pluginName, false);
      // The queue URL names its endpoint (AWS, a VPC endpoint, or an SQS-compatible server).
      this.created = new SQSClient({ ...config, endpoint: new URL(this.url).origin });
      return this.created;
    });
    return this.client;
  }

  async receive(
    max: number,
    waitSeconds: number,
    visibilitySeconds: number,
    signal: AbortSignal,
  ): Promise<QueueMessage[]> {
    const { ReceiveMessageCommand } = await sdk();
    const out = await (
      await this.sqs()
    ).send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: Math.min(max, BATCH),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
      { abortSignal: signal },
    );
    return (out.Messages ?? []).flatMap((m) =>
      m.MessageId === undefined || m.ReceiptHandle === undefined
        ? []
        : [
            {
              id: m.MessageId,
              receiptHandle: m.ReceiptHandle,
              body: m.Body ?? "",
              receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1) || 1,
            },
          ],
    );
  }

  private async batches(
    refs: readonly MessageRef[],
    send: (entries: { Id: string; ReceiptHandle: string }[]) => Promise<{
      Successful?: { Id?: string | undefined }[] | undefined;
      Failed?:
        { Id?: string | undefined; Code?: string | undefined; Message?: string | undefined }[] | undefined;
    }>,
  ): Promise<BatchResult> {
    const result: BatchResult = { ok: [], failed: [] };
    for (let start = 0; start < refs.length; start += BATCH) {
      const slice = refs.slice(start, start + BATCH);
      const out = await send(slice.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })));
      const idOf = (entry: string | undefined) => slice[Number(entry)]?.id;
      for (const s of out.Successful ?? []) {
        const id = idOf(s.Id);
        if (id !== undefined) result.ok.push(id);
      }
      for (const f of out.Failed ?? []) {
        const id = idOf(f.Id);
        if (id !== undefined) result.failed.push({ id, code: f.Code ?? "", message: f.Message ?? "" });
      }
    }
    return result;
  }

  async delete(refs: readonly MessageRef[], signal: AbortSignal): Promise<BatchResult> {
    const [{ DeleteMessageBatchCommand }, client] = await Promise.all([sdk(), this.sqs()]);
    return this.batches(refs, (Entries) =>
      client.send(new DeleteMessageBatchCommand({ QueueUrl: this.url, Entries }), { abortSignal: signal }),
    );
  }

  async changeVisibility(
    refs: readonly MessageRef[],
    seconds: number,
    signal?: AbortSignal,
  ): Promise<BatchResult> {
    const [{ ChangeMessageVisibilityBatchCommand }, client] = await Promise.all([sdk(), this.sqs()]);
    return this.batches(refs, (entries) =>
      client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.url,
          Entries: entries.map((e) => ({ ...e, VisibilityTimeout: seconds })),
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
  }

  /** Messages visible and in flight (`validate --connect`; needs sqs:GetQueueAttributes). */
  async depth(signal: AbortSignal): Promise<{ visible: number; inFlight: number }> {
    const { GetQueueAttributesCommand } = await sdk();
    const out = await (
      await this.sqs()
    ).send(
      new GetQueueAttributesCommand({
        QueueUrl: this.url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
      { abortSignal: signal },
    );
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  close(): void {
    this.created?.destroy();
    this.created = undefined;
    this.client = undefined;
  }
}
