/**
 * Test support: an SQS server on loopback that speaks the protocol of @aws-sdk/client-sqs (AWS JSON 1.0:
 * `POST /` with `X-Amz-Target: AmazonSQS.ReceiveMessage` and a JSON body) and checks every request's SigV4
 * signature. Queues keep messages with receive counts, receipt handles and visibility timeouts, as SQS does:
 * a stale receipt handle deletes nothing, a deleted message is never received again.
 */
import { createHash, randomUUID } from "node:crypto";
import type http from "node:http";
import {
  knownKeys,
  listenLoopback,
  rawRequest,
  verifySigV4,
  type KeyLookup,
  type KnownKey,
  type LoopbackHttp,
} from "@logshipper/aws/testing";

export interface FakeMessage {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  handle: string | undefined;
  deleted: boolean;
}

export interface SqsCall {
  action: string;
  input: Record<string, unknown>;
  accessKeyId: string | undefined;
}

type Json = Record<string, unknown>;

class SqsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly queryError = `${type.slice(type.lastIndexOf("#") + 1)};Sender`,
  ) {
    super(message);
  }
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

export class FakeSqs {
  readonly queues = new Map<string, FakeMessage[]>();
  readonly calls: SqsCall[] = [];
  /** Failures to answer, by action, before handling the call. */
  readonly faults: { action: string; status: number; type: string; times: number }[] = [];
  private server: LoopbackHttp | undefined;
  base = "";

  private readonly keys: KeyLookup;

  /** `keys`: access key id to secret, or a lookup (a loopback STS's, to accept the keys it issues). */
  constructor(keys: ReadonlyMap<string, string | KnownKey> | KeyLookup) {
    this.keys = typeof keys === "function" ? keys : knownKeys(keys);
  }

  async start(): Promise<this> {
    this.server = await listenLoopback((req, res, body) => this.handle(req, res, body));
    this.base = this.server.url;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  queueUrl(name: string): string {
    if (!this.queues.has(name)) this.queues.set(name, []);
    return `${this.base}/123456789012/${name}`;
  }

  send(name: string, body: string): string {
    const id = randomUUID();
    this.queues
      .get(name)
      ?.push({ id, body, receiveCount: 0, visibleAt: 0, handle: undefined, deleted: false });
    return id;
  }

  /** Messages not deleted. */
  remaining(name: string): FakeMessage[] {
    return (this.queues.get(name) ?? []).filter((m) => !m.deleted);
  }

  /** Make every message in flight visible at once, as if their visibility timeouts had run out. */
  expireAll(name: string): void {
    for (const m of this.queues.get(name) ?? []) m.visibleAt = 0;
  }

  /** As if another consumer had received every message again: new receipt handles, visible at once. */
  redeliver(name: string): void {
    for (const m of this.remaining(name)) {
      m.receiveCount++;
      m.handle = Buffer.from(`${m.id}:${m.receiveCount}:${randomUUID()}`).toString("base64");
      m.visibleAt = 0;
    }
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  private queue(input: Json): FakeMessage[] {
    const name = (typeof input.QueueUrl === "string" ? input.QueueUrl : "").split("/").pop() ?? "";
    const queue = this.queues.get(name);
    if (!queue) {
      throw new SqsError(
        400,
        "com.amazonaws.sqs#QueueDoesNotExist",
        "The specified queue does not exist.",
        "AWS.SimpleQueueService.NonExistentQueue;Sender",
      );
    }
    return queue;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const reply = (status: number, payload: Json, headers: Record<string, string> = {}) => {
      res
        .writeHead(status, { "content-type": "application/x-amz-json-1.0", ...headers })
        .end(JSON.stringify(payload));
    };
    try {
      const target = String(req.headers["x-amz-target"] ?? "");
      if (req.method !== "POST" || !target.startsWith("AmazonSQS."))
        throw new SqsError(400, "UnknownOperationException", "not an SQS call");
      if (req.headers["content-type"] !== "application/x-amz-json-1.0")
        throw new SqsError(400, "SerializationException", "bad content type");
      const check = await verifySigV4(rawRequest(req, body), this.keys);
      if (!check.ok || check.service !== "sqs") {
        throw new SqsError(
          403,
          "com.amazon.coral.service#InvalidSignatureException",
          check.ok ? "wrong service" : check.message,
        );
      }
      const action = target.slice("AmazonSQS.".length);
      const input = JSON.parse(body.toString("utf8") || "{}") as Json;
      this.calls.push({ action, input, accessKeyId: check.accessKeyId });
      const fault = this.faults.find((f) => f.action === action && f.times > 0);
      if (fault) {
        fault.times--;
        throw new SqsError(fault.status, fault.type, `injected ${fault.type}`);
      }
      reply(200, await this.dispatch(action, input, req));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      reply(
        error.status,
        { __type: error.type, message: error.message },
        { "x-amzn-query-error": error.queryError },
      );
    }
  }

  private async dispatch(action: string, input: Json, req: http.IncomingMessage): Promise<Json> {
    const queue = this.queue(input);
    switch (action) {
      case "ReceiveMessage":
        return this.receive(queue, input, req);
      case "DeleteMessage":
        this.remove(queue, String(input.ReceiptHandle));
        return {};
      case "DeleteMessageBatch":
        return this.batch(input, (e) => this.remove(queue, String(e.ReceiptHandle)));
      case "ChangeMessageVisibility":
        this.change(queue, String(input.ReceiptHandle), Number(input.VisibilityTimeout));
        return {};
      case "ChangeMessageVisibilityBatch":
        return this.batch(input, (e) =>
          this.change(queue, String(e.ReceiptHandle), Number(e.VisibilityTimeout)),
        );
      case "GetQueueAttributes": {
        const now = Date.now();
        const live = queue.filter((m) => !m.deleted);
        const visible = live.filter((m) => m.visibleAt <= now).length;
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(live.length - visible),
          },
        };
      }
      default:
        throw new SqsError(400, "UnknownOperationException", `unsupported action ${action}`);
    }
  }

  private async receive(queue: FakeMessage[], input: Json, req: http.IncomingMessage): Promise<Json> {
    const max = Number(input.MaxNumberOfMessages ?? 1);
    const until = Date.now() + Number(input.WaitTimeSeconds ?? 0) * 1000;
    const vt = Number(input.VisibilityTimeout ?? 30);
    for (;;) {
      const now = Date.now();
      const ready = queue.filter((m) => !m.deleted && m.visibleAt <= now).slice(0, max);
      if (ready.length > 0 || now >= until || req.destroyed) {
        return {
          Messages: ready.map((m) => {
            m.receiveCount++;
            m.visibleAt = now + vt * 1000;
            m.handle = Buffer.from(`${m.id}:${m.receiveCount}:${randomUUID()}`).toString("base64");
            return {
              MessageId: m.id,
              ReceiptHandle: m.handle,
              MD5OfBody: md5(m.body),
              Body: m.body,
              Attributes: { ApproximateReceiveCount: String(m.receiveCount) },
            };
          }),
        };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private find(queue: FakeMessage[], handle: string): FakeMessage | undefined {
    const id = Buffer.from(handle, "base64").toString("utf8").split(":")[0];
    const message = queue.find((m) => m.id === id);
    if (!message)
      throw new SqsError(400, "ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not valid.`);
    return message;
  }

  /** As SQS: a stale handle (the message was received again since) deletes nothing, and says nothing. */
  private remove(queue: FakeMessage[], handle: string): void {
    const message = this.find(queue, handle);
    if (message && message.handle === handle) message.deleted = true;
  }

  private change(queue: FakeMessage[], handle: string, seconds: number): void {
    const message = this.find(queue, handle);
    if (!message || message.deleted || message.handle !== handle || message.visibleAt <= Date.now()) {
      throw new SqsError(400, "MessageNotInflight", "The message is not in flight.");
    }
    message.visibleAt = Date.now() + seconds * 1000;
  }

  private batch(input: Json, each: (entry: Json) => void): Json {
    const Successful: Json[] = [];
    const Failed: Json[] = [];
    for (const entry of (input.Entries ?? []) as Json[]) {
      try {
        each(entry);
        Successful.push({ Id: entry.Id });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        Failed.push({ Id: entry.Id, Code: error.type, Message: error.message, SenderFault: true });
      }
    }
    return { Successful, Failed };
  }
}
