/**
 * Credentials of the `s3` plugins: `roleArn` + `roleExternalId` assume a role through the loopback STS of
 * `@logshipper/aws/testing` (which checks the caller's SigV4 signature and the external ID), and the temporary
 * credentials sign the calls that follow (checked by the loopback SQS server). Static keys are used as given.
 * The flat spellings of earlier versions (`accessKeyId`, `secretAccessKey`, `externalId`) still work, with a
 * warning that names the new option.
 */
import { FakeSts } from "@logshipper/aws/testing";
import { fakeContext, type FakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Source } from "./index.js";
import { FakeSqs } from "./testing/index.js";

const ROLE = "arn:aws:iam::123456789012:role/logshipper-reader";
const BASE = { accessKeyId: "AKIDBASE", secretAccessKey: "base-secret" };
let sts: FakeSts;
let sqs: FakeSqs;

beforeAll(async () => {
  sts = await new FakeSts({
    keys: { AKIDBASE: "base-secret" },
    roles: { [ROLE]: { externalId: "cerby-external-id" } },
  }).start();
  const statics = new Map([["AKIDSTATIC", "static-secret"]]);
  sqs = await new FakeSqs(
    (id) => sts.lookup(id) ?? (statics.has(id) ? { secretAccessKey: statics.get(id)! } : undefined),
  ).start();
});

afterAll(async () => {
  await sqs.stop();
  await sts.stop();
});

function source(options: Record<string, unknown>, ctx: FakeContext = fakeContext({ name: "cerby-reader" })) {
  const config = s3Source.configSchema.parse({
    mode: "sqs",
    queueUrl: sqs.queueUrl("creds"),
    region: "us-east-1",
    ...options,
  });
  return s3Source.create(config, ctx);
}

const warnings = (ctx: FakeContext) => ctx.logs.filter((l) => l.level === "warn").map((l) => l.msg);

describe("s3 plugin credentials", () => {
  it("assumes roleArn with roleExternalId, and signs with the temporary credentials", async () => {
    const ctx = fakeContext({ name: "cerby-reader" });
    const src = source(
      { roleArn: ROLE, roleExternalId: "cerby-external-id", stsEndpoint: sts.url, credentials: BASE },
      ctx,
    );
    await expect(src.test!()).resolves.toBeUndefined();
    const form = sts.calls.at(-1)!;
    expect(form.get("Action")).toBe("AssumeRole");
    expect(form.get("RoleArn")).toBe(ROLE);
    expect(form.get("RoleSessionName")).toBe("logshipper-cerby-reader");
    const issued = sts.issued.at(-1)!;
    expect(sqs.calls.at(-1)).toMatchObject({ action: "GetQueueAttributes", accessKeyId: issued.accessKeyId });
    expect(warnings(ctx)).toEqual([]);
    await src.close?.();
  });

  it("takes roleSessionName when set", async () => {
    const src = source({
      roleArn: ROLE,
      roleExternalId: "cerby-external-id",
      roleSessionName: "cerby-prod",
      stsEndpoint: sts.url,
      credentials: BASE,
    });
    await expect(src.test!()).resolves.toBeUndefined();
    expect(sts.calls.at(-1)?.get("RoleSessionName")).toBe("cerby-prod");
    await src.close?.();
  });

  it("a refused AssumeRole is a configuration error", async () => {
    const src = source({
      roleArn: ROLE,
      roleExternalId: "wrong-id",
      stsEndpoint: sts.url,
      credentials: BASE,
    });
    const error: unknown = await src.test!().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "config", code: "LS_ERR_S3_ACCESS_DENIED" });
  });

  it("uses static keys as given", async () => {
    await expect(
      source({ credentials: { accessKeyId: "AKIDSTATIC", secretAccessKey: "static-secret" } }).test!(),
    ).resolves.toBeUndefined();
    expect(sqs.calls.at(-1)).toMatchObject({ accessKeyId: "AKIDSTATIC" });
  });
});

describe("the flat spellings of earlier versions", () => {
  it("still assume the role and sign, with a warning naming each new option", async () => {
    const ctx = fakeContext({ name: "cerby-reader" });
    const src = source(
      { roleArn: ROLE, externalId: "cerby-external-id", stsEndpoint: sts.url, ...BASE },
      ctx,
    );
    await expect(src.test!()).resolves.toBeUndefined();
    expect(sts.calls.at(-1)?.get("ExternalId")).toBe("cerby-external-id");
    expect(sqs.calls.at(-1)).toMatchObject({ accessKeyId: sts.issued.at(-1)!.accessKeyId });
    expect(warnings(ctx)).toEqual([
      "option accessKeyId is deprecated: use credentials.accessKeyId (docs/configuration.md, AWS options)",
      "option secretAccessKey is deprecated: use credentials.secretAccessKey (docs/configuration.md, AWS options)",
      "option externalId is deprecated: use roleExternalId (docs/configuration.md, AWS options)",
    ]);
    await src.close?.();
  });

  it("still sign with static keys", async () => {
    const ctx = fakeContext();
    await expect(
      source({ accessKeyId: "AKIDSTATIC", secretAccessKey: "static-secret" }, ctx).test!(),
    ).resolves.toBeUndefined();
    expect(sqs.calls.at(-1)).toMatchObject({ accessKeyId: "AKIDSTATIC" });
    expect(ctx.logs.filter((l) => l.level === "warn").map((l) => l.fields.use)).toEqual([
      "credentials.accessKeyId",
      "credentials.secretAccessKey",
    ]);
  });

  it("cannot be mixed with the new ones", () => {
    const problems = (options: Record<string, unknown>) =>
      (s3Source.configSchema.safeParse({ bucket: "b-1", ...options }).error?.issues ?? []).map(
        (i) => `${i.path.join(".")}: ${i.message}`,
      );
    expect(problems({ accessKeyId: "AKID", secretAccessKey: "s", credentials: { profile: "p" } })).toEqual([
      "credentials: set credentials or the deprecated accessKeyId / secretAccessKey, not both",
    ]);
    expect(problems({ roleArn: ROLE, externalId: "ext-1", roleExternalId: "ext-2" })).toEqual([
      "externalId: set roleExternalId or the deprecated externalId, not both",
    ]);
    expect(problems({ roleExternalId: "ext-2" })).toEqual(["roleExternalId: roleExternalId needs roleArn"]);
  });
});
