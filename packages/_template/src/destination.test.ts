/**
 * Tests of the `template` destination against a real HTTP server on loopback: the SDK contract, what reaches the
 * server, per-record results, and how every kind of failure is classified. Nothing of the plugin is mocked.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  collectSecretValues,
  ConfigurationError,
  PermanentError,
  RetryableError,
  type Destination,
} from "@logshipper/core/sdk";
import { destinationContract, fakeContext, sampleOutputRecords } from "@logshipper/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ERROR_CODES } from "./error-codes.js";
import { classify, parseRetryAfter } from "./errors.js";
import { plugins, templateDestination } from "./index.js";

interface Request {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  lines: unknown[];
}

const TOKEN = "s3cr3t-token";
let server: http.Server;
let base = "";
let requests: Request[] = [];

/** The remote API, on loopback. The path picks the behaviour. */
function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const lines = body
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as unknown);
  requests.push({
    path: url.pathname,
    authorization: req.headers.authorization,
    contentType: req.headers["content-type"],
    lines,
  });
  const status = /^\/status\/(\d+)$/.exec(url.pathname);
  if (status) {
    const retryAfter = url.searchParams.get("retryAfter");
    res.writeHead(Number(status[1]), retryAfter ? { "retry-after": retryAfter } : {});
    res.end(JSON.stringify({ error: `answered ${status[1]}` }));
  } else if (url.pathname === "/ingest") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ accepted: lines.length }));
  } else if (url.pathname === "/partial") {
    // Line i: ok, retry, fail, ok, retry, fail, ...
    const results = lines.map((_, i) =>
      i % 3 === 0
        ? { status: "ok" }
        : i % 3 === 1
          ? { status: "retry", reason: "shard busy" }
          : { status: "fail", reason: "field n is invalid" },
    );
    res
      .writeHead(207, { "content-type": "application/json", "retry-after": "2" })
      .end(JSON.stringify({ results }));
  } else if (url.pathname === "/short-results") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ results: [{ status: "ok" }] }));
  } else if (url.pathname === "/slow") {
    // Never answers: the client's timeout must end the request.
  } else res.writeHead(404).end("no such endpoint");
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
});

/** Build the destination the way core does: parse the options with the plugin's schema, then `create`. */
function destination(path: string, options: Record<string, unknown> = {}): Destination {
  const config = templateDestination.configSchema.parse({ url: `${base}${path}`, token: TOKEN, ...options });
  return templateDestination.create(config, fakeContext({ name: "out" }));
}

/** A port on loopback that nobody listens on. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const signal = () => new AbortController().signal;

destinationContract("template", () => destination("/ingest"));

describe("template destination", () => {
  it("is exported in `plugins`", () => {
    expect(plugins).toContain(templateDestination);
    expect(templateDestination).toMatchObject({ name: "template", kind: "destination" });
  });

  it("sends a batch as one NDJSON POST with the bearer token", async () => {
    const dest = destination("/ingest");
    const batch = sampleOutputRecords(4, "out");
    const result = await dest.send(batch, signal());
    expect(result.outcomes).toEqual(batch.map(() => ({ status: "ok" })));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual({
      path: "/ingest",
      authorization: `Bearer ${TOKEN}`,
      contentType: "application/x-ndjson",
      lines: batch.map((r) => r.value),
    });
    await dest.close?.();
  });

  it("maps per-record results to outcomes, in order, with the Retry-After hint", async () => {
    const dest = destination("/partial");
    const result = await dest.send(sampleOutputRecords(5, "out"), signal());
    expect(result.outcomes).toEqual([
      { status: "ok" },
      { status: "retryable", reason: "shard busy", retryAfterMs: 2000 },
      { status: "permanent", reason: "field n is invalid", code: ERROR_CODES.TEMPLATE_RECORD_REJECTED },
      { status: "ok" },
      { status: "retryable", reason: "shard busy", retryAfterMs: 2000 },
    ]);
    await dest.close?.();
  });

  it("treats per-record results that do not match the batch as a configuration error", async () => {
    const dest = destination("/short-results");
    const error: unknown = await dest.send(sampleOutputRecords(3, "out"), signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_BAD_RESPONSE });
    await dest.close?.();
  });

  it("sends a test message", async () => {
    const dest = destination("/ingest");
    await expect(dest.test?.()).resolves.toMatch(/accepted a test message/);
    expect(requests[0]?.lines).toEqual([expect.objectContaining({ message: "Log Shipper test message" })]);
    await dest.close?.();
  });

  it("checks access without sending data", async () => {
    const dest = destination("/ingest");
    await expect(dest.check?.()).resolves.toMatch(/reachable/);
    expect(requests).toEqual([expect.objectContaining({ path: "/ingest", lines: [] })]);
    await expect(destination("/status/401").check?.()).rejects.toBeInstanceOf(ConfigurationError);
    await dest.close?.();
  });

  it("sends nothing for an empty batch", async () => {
    const dest = destination("/ingest");
    await expect(dest.send([], signal())).resolves.toEqual({ outcomes: [] });
    expect(requests).toHaveLength(0);
    await dest.close?.();
  });
});

describe("template destination: error classification", () => {
  async function failure(path: string, options: Record<string, unknown> = {}): Promise<unknown> {
    const dest = destination(path, options);
    try {
      return await dest.send(sampleOutputRecords(2, "out"), signal()).then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await dest.close?.();
    }
  }

  it("429 with Retry-After is retryable, with the server's delay", async () => {
    const error = await failure("/status/429?retryAfter=7");
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      kind: "retryable",
      code: ERROR_CODES.TEMPLATE_THROTTLED,
      retryAfterMs: 7000,
    });
  });

  it("5xx is retryable", async () => {
    const error = await failure("/status/503");
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_SERVER, retryAfterMs: undefined });
  });

  it("403 is a configuration error", async () => {
    const error = await failure("/status/403");
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ kind: "config", code: ERROR_CODES.TEMPLATE_AUTH });
    expect((error as Error).message).toContain("HTTP 403");
  });

  it("404 is a configuration error", async () => {
    const error = await failure("/nowhere");
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_NOT_FOUND });
  });

  it("400 is permanent", async () => {
    const error = await failure("/status/400");
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ kind: "permanent", code: ERROR_CODES.TEMPLATE_REJECTED });
  });

  it("a refused connection is retryable", async () => {
    const dest = templateDestination.create(
      templateDestination.configSchema.parse({ url: `http://127.0.0.1:${await closedPort()}/ingest` }),
      fakeContext(),
    );
    const error: unknown = await dest.send(sampleOutputRecords(1), signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_NETWORK });
    expect((error as Error).message).toContain("ECONNREFUSED");
    await dest.close?.();
  });

  it("no answer within the timeout is retryable", async () => {
    const error = await failure("/slow", { timeout: "200ms" });
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_TIMEOUT });
  });

  it("leaves errors that are not remote failures as they are", () => {
    const bug = new TypeError("cannot read properties of undefined");
    expect(classify(bug, "POST x")).toBe(bug);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.UTC(2025, 10, 22, 12, 0, 0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("template destination: options", () => {
  it("marks the token secret, so core redacts it", () => {
    const schema = templateDestination.configSchema;
    const config = schema.parse({ url: "https://siem.example.com/ingest", token: TOKEN });
    expect([...collectSecretValues(schema, config)]).toEqual([TOKEN]);
  });

  it("takes a duration for the timeout and defaults it", () => {
    const schema = templateDestination.configSchema;
    expect(schema.parse({ url: "http://h/x", timeout: "5s" }).timeout).toBe(5000);
    expect(schema.parse({ url: "http://h/x" }).timeout).toBe(30_000);
  });

  it("refuses a url that is not http or https", () => {
    const result = templateDestination.configSchema.safeParse({ url: "ftp://h/x" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["url"],
      message: "expected an http:// or https:// URL",
    });
  });
});
