/** The output schema, and how a mapped record becomes a request entry: fill, normalise, trim, check. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { outputSchema, wireTime } from "./event-schema.js";
import { ERROR_CODES } from "../error-codes.js";
import { checksum, fitAdditionalData, MAX_REQUEST_BYTES, OMITTED_KEY, prepare, truncate } from "./prepare.js";
import { lakeEvent, outputRecord } from "../testing/records.js";

const ACCOUNT = "123456789012";
const prep = (value: unknown, extra: Parameters<typeof outputRecord>[2] = {}, id = "rec-1") =>
  prepare(outputRecord(id, value, extra), { account: ACCOUNT });

describe("output schema", () => {
  it("accepts what a mapping may leave for the destination to fill", () => {
    expect(outputSchema.safeParse(lakeEvent(1)).success).toBe(true);
    expect(
      outputSchema.safeParse(lakeEvent(1, { eventTime: 1763805600000, responseElements: null })).success,
    ).toBe(true);
  });

  it("refuses what no fix can save, naming the field", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ eventSource: "" }, "eventSource"],
      [{ eventName: "x".repeat(1025) }, "eventName"],
      [{ eventTime: "2025-11-22 10:00:00" }, "eventTime"],
      [{ eventTime: "2025-11-22T10:00:00" }, "eventTime"],
      [{ userIdentity: { type: "User" } }, "userIdentity.principalId"],
      [{ sourceIPAddress: "ec2.amazonaws.com" }, "sourceIPAddress"],
      [{ requestParameters: { blob: "x".repeat(100_000) } }, "requestParameters"],
      [{ recipientAccountId: "12" }, "recipientAccountId"],
      [{ colour: "red" }, ""],
    ];
    for (const [overrides, path] of cases) {
      const result = outputSchema.safeParse(lakeEvent(1, overrides));
      expect(result.success, JSON.stringify(overrides).slice(0, 60)).toBe(false);
      expect(result.error!.issues[0]!.path.join(".")).toBe(path);
    }
  });
});

describe("eventTime", () => {
  it("is written in UTC, whole seconds, whatever zone or unit the mapping used", () => {
    expect(wireTime("2025-11-22T10:00:00Z")).toBe("2025-11-22T10:00:00Z");
    expect(wireTime("2025-11-22T10:00:00.999Z")).toBe("2025-11-22T10:00:00Z");
    expect(wireTime("2025-11-22T11:30:00+01:30")).toBe("2025-11-22T10:00:00Z");
    expect(wireTime("2025-11-22T05:00:00-0500")).toBe("2025-11-22T10:00:00Z");
    expect(wireTime(1763805600000)).toBe("2025-11-22T10:00:00Z");
    expect(wireTime(1763805600)).toBe("2025-11-22T10:00:00Z");
    expect(wireTime("2025-11-22T10:00:00")).toBeUndefined();
    expect(wireTime("yesterday")).toBeUndefined();
    expect(wireTime(-1)).toBeUndefined();
  });
});

describe("prepare", () => {
  it("fills recipientAccountId, UID and version, and writes members in the schema's order", () => {
    const p = prep({ ...lakeEvent(1), recipientAccountId: "999999999999" });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.entry.event).toMatchObject({ version: "1.0", UID: "rec-1", recipientAccountId: ACCOUNT });
    expect(Object.keys(p.entry.event)).toEqual([
      "version",
      "userIdentity",
      "eventSource",
      "eventName",
      "eventTime",
      "UID",
      "sourceIPAddress",
      "recipientAccountId",
      "additionalEventData",
    ]);
  });

  it("builds the entry with the record id and the base64 SHA-256 of eventData's UTF-8 bytes", () => {
    const p = prep(lakeEvent(1, { eventName: "Téléchargement ✓" }));
    if (!p.ok) throw new Error(p.reason);
    const entry = JSON.parse(p.entry.json) as { id: string; eventData: string; eventDataChecksum: string };
    expect(entry.id).toBe("rec-1");
    expect(JSON.parse(entry.eventData)).toEqual(p.entry.event);
    expect(entry.eventDataChecksum).toBe(createHash("sha256").update(entry.eventData).digest("base64"));
    expect(entry.eventDataChecksum).toBe(checksum(entry.eventData));
    expect(p.entry.bytes).toBe(Buffer.byteLength(p.entry.json));
  });

  it("uses the UUIDv5 of an id that does not fit the id pattern, and keeps the record id as UID", () => {
    const p = prep(lakeEvent(1), {}, "alert/7@tenant");
    if (!p.ok) throw new Error(p.reason);
    expect(p.entry.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.entry.event.UID).toBe("alert/7@tenant");
  });

  it("leaves out null members and null userIdentity.details", () => {
    const p = prep(
      lakeEvent(1, { responseElements: null, userIdentity: { type: "U", principalId: "p", details: null } }),
    );
    if (!p.ok) throw new Error(p.reason);
    expect(p.entry.event).not.toHaveProperty("responseElements");
    expect(p.entry.event.userIdentity).toEqual({ type: "U", principalId: "p" });
  });

  it("cuts userAgent and errorMessage, without splitting a character", () => {
    const p = prep(lakeEvent(1, { userAgent: "u".repeat(2000), errorMessage: `${"e".repeat(252)}😀😀z` }));
    if (!p.ok) throw new Error(p.reason);
    expect(p.entry.event.userAgent).toHaveLength(1024);
    expect(p.entry.event.userAgent?.endsWith("...")).toBe(true);
    expect(p.entry.event.errorMessage).toBe(`${"e".repeat(252)}...`);
    expect(truncate("a😀cdef", 5)).toBe("a...");
  });

  it("adds the unmapped fields to additionalEventData; the mapping's own members win", () => {
    const p = prep(lakeEvent(1, { additionalEventData: { severity: "high" } }), {
      unmapped: { severity: "low", os: "Windows 11", tags: ["pci"] },
    });
    if (!p.ok) throw new Error(p.reason);
    expect(p.entry.event.additionalEventData).toEqual({ severity: "high", os: "Windows 11", tags: ["pci"] });
  });

  it("trims additionalEventData to 28 kB: unmapped members first, largest first, and says which", () => {
    const mapped = { severity: "high", note: "n".repeat(5000) };
    const unmapped = { small: "s", big: "b".repeat(20_000), bigger: "B".repeat(25_000) };
    const fitted = fitAdditionalData(mapped, unmapped)!;
    expect(fitted).toEqual({
      severity: "high",
      note: mapped.note,
      small: "s",
      big: unmapped.big,
      [OMITTED_KEY]: ["bigger"],
    });
    const worse = fitAdditionalData({ own: "o".repeat(30_000) }, { big: "b".repeat(20_000) })!;
    expect(worse[OMITTED_KEY]).toEqual(["big", "own"]);
    const p = prep(lakeEvent(1), { unmapped });
    if (!p.ok) throw new Error(p.reason);
    expect(Buffer.byteLength(JSON.stringify(p.entry.event.additionalEventData))).toBeLessThanOrEqual(28_000);
  });

  it("dead-letters an event over a limit it cannot trim, with the field", () => {
    const p = prep(lakeEvent(1, { requestParameters: { blob: "x".repeat(100_001) } }));
    expect(p).toMatchObject({ ok: false, code: ERROR_CODES.CLOUDTRAIL_EVENT_INVALID });
    expect(!p.ok && p.reason).toContain("requestParameters");
    const time = prep(lakeEvent(1, { eventTime: "not a time" }));
    expect(!time.ok && time.reason).toContain("eventTime");
  });

  it("dead-letters an event larger than a whole request", () => {
    const details: Record<string, string> = {};
    for (let i = 0; i < 20; i++) details[`k${i}`] = "d".repeat(50_000);
    const p = prep(lakeEvent(1, { userIdentity: { type: "U", principalId: "p", details } }));
    expect(p).toMatchObject({ ok: false, code: ERROR_CODES.CLOUDTRAIL_EVENT_TOO_LARGE });
    expect(!p.ok && p.reason).toContain(String(MAX_REQUEST_BYTES));
  });
});
