/**
 * Credentials: the memoized provider, and role-based access (STS AssumeRole with an ExternalId on the loopback
 * server, then PutAuditEvents signed with the temporary keys and their session token).
 */
import { fakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialProvider, memoize } from "./credentials.js";
import { CLOUDTRAIL_ERROR_CODES as CODES, CredentialsError } from "./errors.js";
import { cloudTrailLakeDestination } from "./index.js";
import { startFakeLake, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY, type FakeLake } from "./testing/index.js";
import { lakeRecords } from "./testing/records.js";

const ARN = "arn:aws:cloudtrail:us-east-1:123456789012:channel/c-role";
const ROLE = "arn:aws:iam::123456789012:role/lake-writer";
let lake: FakeLake;

beforeAll(async () => {
  lake = await startFakeLake({ channels: [{ arn: ARN }], roles: { [ROLE]: { externalId: "role-ext-42" } } });
});
afterAll(() => lake.close());

const base = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY };

function roleDestination(roleExternalId: string) {
  const config = cloudTrailLakeDestination.configSchema.parse({
    channelArn: ARN,
    endpoint: lake.url,
    stsEndpoint: lake.url,
    credentials: base,
    roleArn: ROLE,
    roleExternalId,
  });
  return cloudTrailLakeDestination.create(config, fakeContext());
}

describe("credentials", () => {
  it("assumes the role with its ExternalId and signs with the temporary keys", async () => {
    const dest = roleDestination("role-ext-42");
    const result = await dest.send(lakeRecords(3), new AbortController().signal);
    expect(result.outcomes.map((o) => o.status)).toEqual(["ok", "ok", "ok"]);
    const used = lake.requests.at(-1)?.accessKeyId ?? "";
    expect(used).toMatch(/^ASIA/);
    expect(lake.keys.get(used)?.sessionToken).toBeDefined();
    await dest.close?.();
  });

  it("an AssumeRole that is refused pauses the destination", async () => {
    const dest = roleDestination("wrong-ext");
    const error: unknown = await dest
      .send(lakeRecords(1), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "config", code: CODES.credentials });
    expect((error as Error).message).toContain("AccessDenied");
    await dest.close?.();
  });

  it("fetches once, again only near expiry, and never caches a failure", async () => {
    let now = 0;
    let calls = 0;
    let fail = true;
    const provider = memoize(
      () => {
        calls++;
        if (fail) return Promise.reject(new Error("no profile"));
        return Promise.resolve({ ...base, expiration: new Date(3_600_000) });
      },
      () => now,
    );
    await expect(provider()).rejects.toBeInstanceOf(CredentialsError);
    fail = false;
    await provider();
    await provider();
    expect(calls).toBe(2);
    now = 3_600_000 - 60_000; // within 5 minutes of expiry
    await provider();
    expect(calls).toBe(3);
  });

  it("uses static keys from the options as they are", async () => {
    const provider = credentialProvider(
      { credentials: { ...base, sessionToken: "tok" }, roleSessionName: "x" },
      "us-east-1",
    );
    expect(await provider()).toEqual({ ...base, sessionToken: "tok" });
  });
});
