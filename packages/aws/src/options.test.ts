/** The shared AWS options: what they accept, what they refuse (with the path), and which values are secret. */
import { collectSecretValues, z } from "@logshipper/core/sdk";
import { describe, expect, it } from "vitest";
import { awsOptions, checkAwsOptions } from "./index.js";

const schema = z.object({ ...awsOptions }).superRefine(checkAwsOptions);
const problems = (value: unknown) =>
  (schema.safeParse(value).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("AWS options", () => {
  it("accepts the documented shape", () => {
    const value = {
      region: "eu-central-1",
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "s", sessionToken: "t" },
      roleArn: "arn:aws:iam::123456789012:role/path/writer",
      roleExternalId: "ext-123",
      roleSessionName: "logshipper",
      stsEndpoint: "https://sts.eu-central-1.amazonaws.com",
    };
    expect(schema.parse(value)).toEqual(value);
    expect(schema.parse({ credentials: { profile: "prod" } })).toEqual({ credentials: { profile: "prod" } });
  });

  it("refuses what cannot work, each with its path", () => {
    expect(problems({ credentials: { accessKeyId: "AKID" } })).toEqual([
      "credentials: set accessKeyId and secretAccessKey together",
    ]);
    expect(problems({ credentials: { accessKeyId: "AKID", secretAccessKey: "s", profile: "p" } })).toEqual([
      "credentials: set either static keys or profile, not both",
    ]);
    expect(problems({ credentials: {} })).toEqual([
      "credentials: set accessKeyId + secretAccessKey, or profile",
    ]);
    expect(problems({ credentials: { keyId: "x", profile: "p" } })).toEqual([
      'credentials: Unrecognized key: "keyId"',
    ]);
    expect(problems({ roleExternalId: "ext-1" })).toEqual(["roleExternalId: roleExternalId needs roleArn"]);
    expect(problems({ roleArn: "arn:aws:iam::1234:role/x" })).toEqual([
      "roleArn: expected an IAM role ARN (arn:aws:iam::123456789012:role/name)",
    ]);
    expect(problems({ roleArn: "arn:aws:iam::123456789012:role/x", roleExternalId: "x" })).toHaveLength(1);
  });

  it("marks secret keys, session tokens and the role's external id secret", () => {
    const config = schema.parse({
      credentials: { accessKeyId: "AKID", secretAccessKey: "s3cr3t", sessionToken: "tok3n" },
      roleArn: "arn:aws:iam::123456789012:role/r",
      roleExternalId: "role-ext-99",
    });
    expect([...collectSecretValues(schema, config)].sort()).toEqual(["role-ext-99", "s3cr3t", "tok3n"]);
  });
});
