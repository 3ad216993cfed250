/**
 * Credentials: role-based access (STS AssumeRole with an ExternalId on the loopback server, then PutAuditEvents
 * signed with the temporary keys and their session token), and failures as `CredentialsError`. The provider
 * itself (memoization, static keys, profiles) is tested in @logshipper/aws.
 */
import { fakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloudTrailLakeConfig } from "./config.js";
import { credentialProvider, credentialsFailure } from "./credentials.js";
import { ERROR_CODES as CODES } from "./error-codes.js";
import { CredentialsError } from "./errors.js";
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
    expect(error).toMatchObject({ kind: "config", code: CODES.CLOUDTRAIL_CREDENTIALS });
    expect((error as Error).message).toContain("AccessDenied");
    await dest.close?.();
  });

  it("a provider that finds no credentials fails with a CredentialsError", async () => {
    const provider = credentialProvider(
      { credentials: { profile: "logshipper-no-such-profile" }, roleSessionName: "x" },
      "us-east-1",
    );
    const error: unknown = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(/^no usable AWS credentials: /);
  });

  it("takes the channel's externalId for AssumeRole when roleExternalId is not set", async () => {
    const config = cloudTrailLakeConfig.parse({
      channelArn: ARN,
      endpoint: lake.url,
      stsEndpoint: lake.url,
      credentials: base,
      roleArn: ROLE,
      externalId: "role-ext-42",
    });
    const dest = cloudTrailLakeDestination.create(config, fakeContext());
    await dest.send(lakeRecords(1), new AbortController().signal);
    expect(lake.requests.at(-1)?.accessKeyId).toMatch(/^ASIA/);
    await dest.close?.();
  });

  it("says in the message that no usable credentials were found", () => {
    expect(credentialsFailure(new Error("x")).message).toBe("no usable AWS credentials: x");
  });
});
