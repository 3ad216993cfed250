/**
 * A narrow client for the remote API: the two calls the plugin makes, nothing else. It speaks HTTP(S) with
 * node:http over a keep-alive agent, puts a time limit on each request, and reports failures as they are
 * (network error codes, `HttpStatusError`, `BadResponseError`); errors.ts decides what they mean.
 *
 * Keep the client free of Log Shipper concepts (records, outcomes, checkpoints): it is what you would write to
 * call this API from any program, which makes it easy to test and to replace with a vendor SDK.
 */
import http from "node:http";
import https from "node:https";
import { BadResponseError, HttpStatusError } from "./errors.js";

export interface ClientOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Time limit of one request, from sending it to the end of the response body. */
  timeoutMs: number;
  /** Largest response body accepted (default 32 MiB). */
  maxResponseBytes?: number;
  /** Concurrent connections to the server (default 4). */
  maxSockets?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const USER_AGENT = "logshipper-plugin-template/0.1";
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** `url` without credentials, query or fragment: safe to put in logs and error messages. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export class TemplateClient {
  readonly url: URL;
  /** The endpoint, for messages. */
  readonly display: string;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(private readonly options: ClientOptions) {
    this.url = new URL(options.url);
    this.display = displayUrl(this.url);
    const secure = this.url.protocol === "https:";
    this.transport = secure ? https : http;
    // Keep-alive: a destination sends many batches; reusing connections saves a TCP (and TLS) handshake each.
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 4 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** POST an NDJSON body to `url`. Resolves with a 2xx response; rejects otherwise. */
  postNdjson(body: string, signal: AbortSignal): Promise<HttpResponse> {
    return this.request("POST", this.url, signal, Buffer.from(body, "utf8"), "application/x-ndjson");
  }

  /** GET `url` with `params` added to its query, and parse the body as JSON. */
  async getJson(params: Record<string, string>, signal: AbortSignal): Promise<unknown> {
    const target = new URL(this.url);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    const response = await this.request("GET", target, signal);
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new BadResponseError(`response is not JSON: ${excerpt(response.body)}`);
    }
  }

  /** Close idle keep-alive connections. Idempotent. */
  close(): void {
    this.agent.destroy();
  }

  private request(
    method: "GET" | "POST",
    url: URL,
    signal: AbortSignal,
    body?: Buffer,
    contentType?: string,
  ): Promise<HttpResponse> {
    const headers: http.OutgoingHttpHeaders = { accept: "application/json", "user-agent": USER_AGENT };
    if (body !== undefined) {
      headers["content-type"] = contentType;
      headers["content-length"] = body.length;
    }
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const maxBytes = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, response?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(response!);
      };

      const req = this.transport.request(url, { method, headers, agent: this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) req.destroy(new BadResponseError(`response is larger than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on("error", (error) => finish(error));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const response: HttpResponse = {
            status,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          };
          if (status >= 200 && status < 300) finish(undefined, response);
          else {
            const retryAfter = res.headers["retry-after"];
            const text = excerpt(response.body);
            const message = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}${text ? `: ${text}` : ""}`;
            finish(new HttpStatusError(status, retryAfter, text, message));
          }
        });
      });
      req.on("error", (error) => finish(error));

      // One deadline for the whole exchange: connect, send, wait, read. Destroying the request closes its socket.
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`no complete response within ${this.options.timeoutMs} ms`), {
          code: "ETIMEDOUT",
        });
        req.destroy(error);
        finish(error);
      }, this.options.timeoutMs);

      req.end(body);
    });
  }
}

/** The start of a response body, on one line, for messages. */
function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
