/**
 * The IP test of mappings/cloudtrail/cloudtrail-lake.jsonata (`$isIp`) stays linear on every regex engine: its
 * IPv6 branch once let a backtracking engine try each colon as "the" colon, 14 s on 100,000 colons and a `!`.
 * Mappings run their regexes on RE2 now, so the mapping is also checked on jsonata's interpreter with
 * JavaScript's own RegExp (its timeout guard, checked between nodes, then fails the evaluation).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileMapping, mapRecord } from "../../packages/core/src/mapping/index.js";

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "cloudtrail-lake.jsonata");
const text = fs.readFileSync(file, "utf8");
const hostile = `${":".repeat(100_000)}!`;

function record(sourceIPAddress: string) {
  return {
    id: "r1",
    type: "event",
    subtype: "AwsApiCall",
    source: "cloudtrail",
    time: 1763769900000,
    data: { eventID: "e1", eventName: "GetObject", sourceIPAddress },
  };
}

describe("cloudtrail-lake: the sourceIPAddress test", () => {
  it("is linear on a backtracking engine (jsonata's interpreter, JavaScript RegExp)", async () => {
    // A generous guard: the linear regex takes milliseconds, the quadratic one took 14 s.
    const expression = jsonata(text, { timeout: 2000 });
    const out = (await expression.evaluate(record(hostile).data, { id: "r1" })) as {
      sourceIPAddress?: unknown;
      additionalEventData?: { sourceIPAddress?: unknown };
    };
    expect(out.sourceIPAddress).toBeUndefined();
    expect(out.additionalEventData?.sourceIPAddress).toBe(hostile);
  });

  it("within the mapping budget on the engine's evaluator (RE2)", async () => {
    const { value } = await mapRecord(compileMapping(text, file), record(hostile));
    expect(
      (value as { additionalEventData: { sourceIPAddress: unknown } }).additionalEventData,
    ).toMatchObject({
      sourceIPAddress: hostile,
    });
  });

  it.each([
    ["10.182.203.216", true],
    ["2001:db8::1", true],
    ["::1", true],
    ["::ffff:10.0.0.1", true],
    ["fe80::1%eth0", false],
    ["ec2.amazonaws.com", false],
    ["AWS Internal", false],
    ["1.2.3", false],
  ])("%s is an IP address: %s", async (ip, isIp) => {
    const { value } = await mapRecord(compileMapping(text, file), record(ip));
    expect((value as { sourceIPAddress?: unknown }).sourceIPAddress).toBe(isIp ? ip : undefined);
  });
});
