/** How PutAuditEvents' answers become one outcome per record, and when a whole batch fails instead. */
import { ConfigurationError, PermanentError, RetryableError } from "@logshipper/core/sdk";
import { describe, expect, it } from "vitest";
import { ERROR_CODES as CODES } from "../error-codes.js";
import { eventResults, requestFailure, settle } from "./outcomes.js";

describe("outcomes", () => {
  const response = {
    successful: [{ id: "a", eventID: "e1" }],
    failed: [
      { id: "b", errorCode: "Throttling", errorMessage: "slow down" },
      { id: "c", errorCode: "InvalidData", errorMessage: "bad" },
      { id: "d", errorCode: "InvalidRecipient", errorMessage: "not yours" },
    ],
  };

  it("classifies per-event results; an event the answer leaves out is retried", () => {
    const results = eventResults(["a", "b", "c", "d", "e"], response, "x");
    expect([...results.values()].map((r) => r.status)).toEqual([
      "ok",
      "retryable",
      "permanent",
      "config",
      "retryable",
    ]);
  });

  it("throws when nothing was accepted and one request-level error explains it", () => {
    const throttled = requestFailure(
      new RetryableError("slow", { code: CODES.CLOUDTRAIL_THROTTLED, retryAfterMs: 10 }),
    );
    expect(() => settle([throttled, throttled])).toThrow(RetryableError);
    const config = requestFailure(
      new ConfigurationError("gone", { code: CODES.CLOUDTRAIL_CHANNEL_NOT_FOUND }),
    );
    expect(() => settle([throttled, config])).toThrow(ConfigurationError);
    const bug = requestFailure(new TypeError("bug"));
    expect(() => settle([bug])).toThrow(TypeError);
  });

  it("answers per record once anything was accepted, or when failures are per event", () => {
    const config = requestFailure(new ConfigurationError("gone", { code: CODES.CLOUDTRAIL_ACCOUNT }));
    expect(settle([{ status: "ok" }, config]).outcomes).toEqual([
      { status: "ok" },
      { status: "retryable", reason: "gone" },
    ]);
    const permanent = requestFailure(new PermanentError("no", { code: CODES.CLOUDTRAIL_REJECTED }));
    expect(settle([permanent]).outcomes).toEqual([
      { status: "permanent", reason: "no", code: CODES.CLOUDTRAIL_REJECTED },
    ]);
    expect(settle([{ status: "retryable", reason: "Throttling: x" }]).outcomes).toEqual([
      { status: "retryable", reason: "Throttling: x" },
    ]);
  });
});
