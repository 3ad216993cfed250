/**
 * Tests of the `template` source against a real HTTP server on loopback: the SDK contract (exact resume from
 * every checkpoint), rejects with their origin, a last page that grows, and error classification.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConfigurationError,
  LogShipperError,
  RetryableError,
  type Source,
  type SourceBatch,
} from "@logshipper/core/sdk";
import { fakeContext, pullAll, pullError, sourceContract } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "./error-codes.js";
import { plugins, templateSource } from "./index.js";

const PAGE_SIZE = 3;
const TOKEN = "src-token";

/** Datasets by path. `/growing` changes during its test; the others never change. */
const datasets = new Map<string, unknown[]>([
  ["/events", Array.from({ length: 7 }, (_, i) => ({ id: `e${i}`, n: i }))],
  ["/mixed", [{ id: "a" }, "not an object", { id: "b" }, null, { id: "c" }]],
  ["/empty", []],
  ["/growing", [{ id: "g0" }, { id: "g1" }]],
]);
const authorizations: (string | undefined)[] = [];
let server: http.Server;
let base = "";

/** The remote API: `?cursor=cK` starts a page at record K; `next` is null on the last page. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  authorizations.push(req.headers.authorization);
  const status = /^\/status\/(\d+)$/.exec(url.pathname);
  if (status) {
    const retryAfter = url.searchParams.get("retryAfter");
    res.writeHead(Number(status[1]), retryAfter ? { "retry-after": retryAfter } : {}).end();
    return;
  }
  if (url.pathname === "/not-a-page") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [] }));
    return;
  }
  const data = datasets.get(url.pathname);
  if (!data) {
    res.writeHead(404).end();
    return;
  }
  const cursor = url.searchParams.get("cursor");
  const start = cursor === null ? 0 : Number(cursor.slice(1));
  const end = Math.min(start + PAGE_SIZE, data.length);
  const next = end < data.length ? `c${end}` : null;
  res
    .writeHead(200, { "content-type": "application/json" })
    .end(JSON.stringify({ records: data.slice(start, end), next }));
}

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function source(path: string, options: Record<string, unknown> = {}): Source {
  const config = templateSource.configSchema.parse({ url: `${base}${path}`, token: TOKEN, ...options });
  return templateSource.create(config, fakeContext({ name: "in" }));
}

sourceContract("template", () => source("/events"));

describe("template source", () => {
  it("is exported in `plugins`", () => {
    expect(plugins).toContain(templateSource);
    expect(templateSource).toMatchObject({ name: "template", kind: "source" });
  });

  it("reads every page, sends the bearer token, and checkpoints the cursor", async () => {
    authorizations.length = 0;
    const src = source("/events");
    const batches = await pullAll(src);
    expect(batches.map((b) => b.records.map((r) => (r.data as { id: string }).id))).toEqual([
      ["e0", "e1", "e2"],
      ["e3", "e4", "e5"],
      ["e6"],
    ]);
    expect(batches.map((b) => b.checkpoint)).toEqual([
      { cursor: "c3", skip: 0 },
      { cursor: "c6", skip: 0 },
      { cursor: "c6", skip: 1 },
    ]);
    expect(authorizations.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
    await src.close?.();
  });

  it("yields nothing when there is nothing after the checkpoint", async () => {
    const src = source("/events");
    expect(await pullAll(src, { cursor: "c6", skip: 1 })).toEqual([]);
    expect(await pullAll(source("/empty"))).toEqual([]);
    await src.close?.();
  });

  it("rejects what cannot be a record, with its origin, and goes on", async () => {
    const src = source("/mixed");
    const batches = await pullAll(src);
    const records = batches.flatMap((b) => b.records);
    const rejects = batches.flatMap((b) => b.rejects ?? []);
    expect(records.map((r) => r.data)).toEqual([{ id: "a" }, { id: "b" }, { id: "c" }]);
    expect(records[0]?.origin).toBe(`${base}/mixed#records[0]`);
    expect(rejects).toEqual([
      {
        origin: `${base}/mixed#records[1]`,
        reason: "a record must be a JSON object",
        raw: '"not an object"',
      },
      { origin: `${base}/mixed?cursor=c3#records[0]`, reason: "a record must be a JSON object", raw: "null" },
    ]);
    await src.close?.();
  });

  it("reads a last page that grew from where it stopped", async () => {
    const data = datasets.get("/growing")!;
    const first = await pullAll(source("/growing"));
    const checkpoint = first.at(-1)?.checkpoint;
    expect(checkpoint).toEqual({ cursor: null, skip: 2 });
    data.push({ id: "g2" }, { id: "g3" }, { id: "g4" });
    const second = await pullAll(source("/growing"), checkpoint);
    expect(second.flatMap((b) => b.records.map((r) => r.data))).toEqual([
      { id: "g2" },
      { id: "g3" },
      { id: "g4" },
    ]);
    expect(second.at(-1)?.checkpoint).toEqual({ cursor: "c3", skip: 2 });
  });

  it("stops when the signal aborts", async () => {
    const src = source("/events");
    const controller = new AbortController();
    const seen: SourceBatch[] = [];
    for await (const batch of src.pull(undefined, controller.signal)) {
      seen.push(batch);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
    await src.close?.();
  });

  it("refuses a checkpoint it did not write", async () => {
    const error = await pullAll(source("/events"), "c3").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogShipperError);
    expect(error).toMatchObject({ code: "LS_ERR_TEMPLATE_CHECKPOINT" });
  });

  it("checks connectivity in test()", async () => {
    await expect(source("/events").test?.()).resolves.toBeUndefined();
    await expect(source("/status/401").test?.()).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe("template source: error classification", () => {
  it("429 with Retry-After is retryable, with the server's delay", async () => {
    const error = await pullError(source("/status/429?retryAfter=3"));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_THROTTLED, retryAfterMs: 3000 });
  });

  it("403 is a configuration error", async () => {
    const error = await pullError(source("/status/403"));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_AUTH });
  });

  it("a response that is not a page is a configuration error", async () => {
    const error = await pullError(source("/not-a-page"));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_BAD_RESPONSE });
    expect((error as Error).message).toContain("records");
  });

  it("a refused connection is retryable", async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const src = templateSource.create(
      templateSource.configSchema.parse({ url: `http://127.0.0.1:${port}/` }),
      fakeContext(),
    );
    const error = await pullError(src);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.TEMPLATE_NETWORK });
  });
});
