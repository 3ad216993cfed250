/** Requests cut by count, exact body bytes and unique ids; and the client-side rate limit. */
import { describe, expect, it } from "vitest";
import { pack, requestBody, requestBytes } from "./pack.js";
import { MAX_REQUEST_BYTES, prepare, type PreparedEntry } from "./prepare.js";
import { accountLimiter, acquire, RateLimiter, resetLimiters } from "./rate-limit.js";
import { lakeEvent, outputRecord } from "../testing/records.js";

function entry(id: string, padding = 0): PreparedEntry {
  const p = prepare(outputRecord(id, lakeEvent(1, { additionalEventData: { pad: "p".repeat(padding) } })), {
    account: "123456789012",
  });
  if (!p.ok) throw new Error(p.reason);
  return p.entry;
}

describe("pack", () => {
  it("puts at most 100 events in a request, in order", () => {
    const entries = Array.from({ length: 250 }, (_, i) => entry(`e${i}`));
    const requests = pack(entries);
    expect(requests.map((r) => r.length)).toEqual([100, 100, 50]);
    expect(requests.flat()).toEqual(entries);
  });

  it("cuts by the exact bytes of the request body", () => {
    const entries = Array.from({ length: 60 }, (_, i) => entry(`e${i}`, 25_000));
    const requests = pack(entries);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) {
      expect(requestBytes(r)).toBe(Buffer.byteLength(requestBody(r)));
      expect(requestBytes(r)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    // Full: the next entry would not have fitted.
    const first = requests[0]!;
    expect(requestBytes([...first, requests[1]![0]!])).toBeGreaterThan(MAX_REQUEST_BYTES);
  });

  it("never puts one id twice in a request", () => {
    const entries = [entry("a"), entry("b"), entry("a"), entry("c"), entry("a")];
    expect(pack(entries).map((r) => r.map((e) => e.id))).toEqual([["a", "b"], ["a", "c"], ["a"]]);
  });

  it("makes no request of nothing", () => {
    expect(pack([])).toEqual([]);
  });
});

describe("rate limit", () => {
  it("spaces calls 1000/rate ms apart after a small burst", () => {
    const limiter = new RateLimiter(50, 3);
    const waits = Array.from({ length: 6 }, () => limiter.reserve(1000));
    expect(waits).toEqual([0, 0, 0, 20, 40, 60]);
    // Time passing frees slots again.
    expect(limiter.reserve(2000)).toBe(0);
  });

  it("never starts more than rate + burst - 1 calls in any second", () => {
    const limiter = new RateLimiter(90, 5);
    const starts = Array.from({ length: 1000 }, () => 0).map((_, i) => {
      const now = i * 2; // callers arrive every 2 ms
      return now + limiter.reserve(now);
    });
    for (let i = 0; i + 94 < starts.length; i++) expect(starts[i + 94]! - starts[i]!).toBeGreaterThan(999.99);
  });

  it("is shared per account, and the strictest configuration wins", () => {
    resetLimiters();
    const a = accountLimiter("aws:111111111111", 90);
    expect(accountLimiter("aws:111111111111", 50)).toBe(a);
    expect(a.rate).toBe(50);
    accountLimiter("aws:111111111111", 80);
    expect(a.rate).toBe(50);
    expect(accountLimiter("aws:222222222222", 90)).not.toBe(a);
    resetLimiters();
  });

  it("stops waiting when the signal aborts", async () => {
    const limiter = new RateLimiter(1, 1);
    limiter.reserve(Date.now());
    const controller = new AbortController();
    const waiting = acquire(limiter, controller.signal);
    controller.abort(new Error("shutdown"));
    await expect(waiting).rejects.toThrow("shutdown");
  });
});
