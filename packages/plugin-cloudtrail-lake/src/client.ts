/**
 * A narrow CloudTrail Data client: the one call the destination makes, PutAuditEvents, with the request and
 * response shapes of `@aws-sdk/client-cloudtrail-data` (which this project's registry does not serve). It is the
 * SDK's own machinery, assembled: `@smithy/signature-v4` signs (service `cloudtrail-data`), `@smithy/node-http-
 * handler` sends over keep-alive connections. One deadline covers signing, connecting, sending and reading; the
 * caller's signal cancels the call. It reports failures as they are (`AwsApiError`, `BadResponseError`,
 * `CredentialsError`, network errors) and never retries: errors.ts says what they mean, core retries.
 */
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { Hash } from "@smithy/hash-node";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { z } from "@logshipper/core/sdk";
import type { AwsCredentialIdentityProvider } from "@logshipper/aws";
import { AwsApiError, BadResponseError, CredentialsError, RequestTimeoutError } from "./errors.js";

export interface DataClientOptions {
  /** Base URL: `https://cloudtrail-data.us-east-1.amazonaws.com`, or an override. */
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Deadline of one call, from signing to the end of the response. */
  timeoutMs: number;
  maxSockets?: number;
  /** Largest response body accepted (default 8 MiB). */
  maxResponseBytes?: number;
}

export interface PutAuditEventsInput {
  channelArn: string;
  externalId?: string | undefined;
  /** `{"auditEvents":[...]}`, already serialised (the destination sizes requests by these exact bytes). */
  body: string;
}

const resultSchema = z.object({
  successful: z.array(z.object({ id: z.string(), eventID: z.string() })).default([]),
  failed: z
    .array(z.object({ id: z.string(), errorCode: z.string(), errorMessage: z.string().default("") }))
    .default([]),
});
export type PutAuditEventsResult = z.output<typeof resultSchema>;

const USER_AGENT = "logshipper-plugin-cloudtrail-lake/0.1";
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class CloudTrailDataClient {
  /** The endpoint, for messages (no query: the channel ARN and externalId stay out of logs). */
  readonly display: string;
  private readonly url: URL;
  private readonly handler: NodeHttpHandler;
  private readonly signer: SignatureV4;

  constructor(private readonly options: DataClientOptions) {
    this.url = new URL(options.endpoint);
    this.display = `${this.url.protocol}//${this.url.host}`;
    const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.handler = new NodeHttpHandler({
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
      connectionTimeout: options.timeoutMs,
    });
    this.signer = new SignatureV4({
      service: "cloudtrail-data",
      region: options.region,
      credentials: options.credentials,
      sha256: Hash.bind(null, "sha256"),
    });
  }

  async putAuditEvents(input: PutAuditEventsInput, signal: AbortSignal): Promise<PutAuditEventsResult> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(new RequestTimeoutError(`no complete response within ${this.options.timeoutMs} ms`)),
      this.options.timeoutMs,
    );
    const combined = AbortSignal.any([signal, deadline.signal]);
    try {
      const { status, headers, body } = await this.exchange(input, combined);
      if (status >= 200 && status < 300) return parseResult(body);
      throw apiError(status, headers, body);
    } catch (error) {
      if (deadline.signal.aborted && !signal.aborted) throw deadline.signal.reason as Error;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Close idle keep-alive connections. Idempotent. */
  close(): void {
    this.handler.destroy();
  }

  private async exchange(
    input: PutAuditEventsInput,
    signal: AbortSignal,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const base = this.url.pathname.replace(/\/+$/, "");
    const request = new HttpRequest({
      method: "POST",
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port !== "" && { port: Number(this.url.port) }),
      path: `${base}/PutAuditEvents`,
      query: {
        channelArn: input.channelArn,
        ...(input.externalId !== undefined && { externalId: input.externalId }),
      },
      headers: {
        host: this.url.host,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(input.body)),
        "user-agent": USER_AGENT,
      },
      body: input.body,
    });
    let signed: HttpRequest;
    try {
      signed = (await this.signer.sign(request)) as HttpRequest;
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      throw new CredentialsError(`cannot sign the request: ${(error as Error).message}`, { cause: error });
    }
    signal.throwIfAborted();
    const { response } = await this.handler.handle(signed, { abortSignal: signal });
    const body = await readBody(response.body as Readable, signal, this.options.maxResponseBytes);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(response.headers)) headers[k.toLowerCase()] = v;
    return { status: response.statusCode, headers, body };
  }
}

function readBody(stream: Readable, signal: AbortSignal, max = DEFAULT_MAX_RESPONSE_BYTES): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => stream.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const done = (error?: Error) => {
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) stream.destroy(new BadResponseError(`response is larger than ${max} bytes`));
      else chunks.push(chunk);
    });
    stream.on("error", (error) => done(error));
    stream.on("end", () => done());
  });
}

function parseResult(body: string): PutAuditEventsResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadResponseError(`response is not JSON: ${excerpt(body)}`);
  }
  const parsed = resultSchema.safeParse(json);
  if (!parsed.success)
    throw new BadResponseError(`response is not a PutAuditEvents result: ${excerpt(body)}`);
  return parsed.data;
}

/** The error of a non-2xx response: type from `x-amzn-errortype`, else the body's `__type` or `code`. */
export function apiError(status: number, headers: Record<string, string>, body: string): AwsApiError {
  let parsed: Record<string, unknown> = {};
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === "object") parsed = json as Record<string, unknown>;
  } catch {
    // not JSON: the status says it all
  }
  const raw = headers["x-amzn-errortype"] ?? parsed.__type ?? parsed.code ?? parsed.Code;
  const type = typeof raw === "string" && raw !== "" ? raw.split(":")[0]!.split("#").pop()! : `HTTP${status}`;
  const message = parsed.message ?? parsed.Message;
  return new AwsApiError(
    status,
    type,
    typeof message === "string" ? message : excerpt(body),
    headers["retry-after"],
  );
}

function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
