/**
 * The mapping library's `cloudtrail-lake` mappings against this destination: every golden output satisfies the
 * output schema and becomes a valid request entry; the default mapping is the Netskope mapping of the library.
 * (mappings/mappings.test.ts checks the outputs themselves.)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAPPING } from "./default-mapping.js";
import { outputSchema } from "./event-schema.js";
import { prepare } from "./prepare.js";
import { checkEventData } from "../testing/index.js";
import { outputRecord } from "../testing/records.js";

const MAPPINGS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../mappings");
const FAMILIES = ["netskope", "cerby", "cloudtrail"];

function expectedOutputs(family: string): [string, unknown][] {
  const dir = path.join(MAPPINGS, family, "__fixtures__");
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith("cloudtrail-lake.") && f.endsWith(".expected.json"))
    .map((f) => [`${family}/${f}`, JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown]);
}

describe("cloudtrail-lake mappings", () => {
  it("the default mapping is mappings/netskope/cloudtrail-lake.jsonata", () => {
    expect(DEFAULT_MAPPING).toBe(
      fs.readFileSync(path.join(MAPPINGS, "netskope/cloudtrail-lake.jsonata"), "utf8"),
    );
  });

  for (const family of FAMILIES) {
    const cases = expectedOutputs(family);
    it(`${family} has cases`, () => expect(cases.length).toBeGreaterThanOrEqual(3));
    it.each(cases)("%s is accepted by the output schema and by CloudTrail", (_name, value) => {
      const checked = outputSchema.safeParse(value);
      expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
      const prepared = prepare(outputRecord("rec-1", checked.data), { account: "123456789012" });
      if (!prepared.ok) throw new Error(prepared.reason);
      expect(checkEventData(prepared.entry.event, "123456789012")).toBeUndefined();
    });
  }
});
