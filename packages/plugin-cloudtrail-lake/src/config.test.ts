/** Options, channel ARNs and endpoints. */
import { collectSecretValues } from "@logshipper/core/sdk";
import { describe, expect, it } from "vitest";
import { dataEndpoint, parseChannelArn, parseEventDataStore } from "./arn.js";
import { cloudTrailLakeConfig } from "./config.js";

const ARN = "arn:aws:cloudtrail:eu-central-1:123456789012:channel/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

describe("options", () => {
  it("fills defaults", () => {
    expect(cloudTrailLakeConfig.parse({ channelArn: ARN })).toEqual({
      channelArn: ARN,
      fips: false,
      dualstack: false,
      roleSessionName: "logshipper",
      additionalData: false,
      concurrency: 8,
      maxRequestsPerSecond: 90,
      timeout: 30_000,
    });
  });

  it("refuses what cannot work, each with its path", () => {
    const bad = cloudTrailLakeConfig.safeParse({
      channelArn: "arn:aws:cloudtrail:eu-central-1:123456789012:trail/x",
      externalId: "x",
      maxRequestsPerSecond: 100,
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE" },
      roleExternalId: "abc",
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining(["channelArn", "externalId", "maxRequestsPerSecond", "credentials"]),
    );
    const role = cloudTrailLakeConfig.safeParse({ channelArn: ARN, roleExternalId: "abc" });
    expect(role.error?.issues.map((i) => i.path.join("."))).toEqual(["roleExternalId"]);
  });

  it("marks secret access keys, session tokens and external ids secret, so core redacts them", () => {
    const config = cloudTrailLakeConfig.parse({
      channelArn: ARN,
      externalId: "ext-1234",
      roleArn: "arn:aws:iam::123456789012:role/lake-writer",
      roleExternalId: "role-ext-99",
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "s3cr3t", sessionToken: "tok3n" },
    });
    expect([...collectSecretValues(cloudTrailLakeConfig, config)].sort()).toEqual(
      ["ext-1234", "role-ext-99", "s3cr3t", "tok3n"].sort(),
    );
  });
});

describe("channel ARNs and endpoints", () => {
  it("parses partition, region, account and id", () => {
    expect(parseChannelArn(ARN)).toEqual({
      arn: ARN,
      partition: "aws",
      region: "eu-central-1",
      account: "123456789012",
      id: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    });
    expect(parseChannelArn("arn:aws-cn:cloudtrail:cn-north-1:123456789012:channel/c1")?.partition).toBe(
      "aws-cn",
    );
    expect(parseChannelArn("arn:aws:cloudtrail:eu-central-1:1234:channel/c1")).toBeUndefined();
    expect(parseChannelArn("c1")).toBeUndefined();
  });

  it("builds the regional, FIPS and dual-stack endpoints of each partition", () => {
    const at = (partition: string, region: string, fips = false, dualstack = false) =>
      dataEndpoint({ partition, region, fips, dualstack });
    expect(at("aws", "us-east-1")).toBe("https://cloudtrail-data.us-east-1.amazonaws.com");
    expect(at("aws", "us-east-1", true)).toBe("https://cloudtrail-data-fips.us-east-1.amazonaws.com");
    expect(at("aws", "us-east-1", false, true)).toBe("https://cloudtrail-data.us-east-1.api.aws");
    expect(at("aws", "us-east-1", true, true)).toBe("https://cloudtrail-data-fips.us-east-1.api.aws");
    expect(at("aws-cn", "cn-north-1")).toBe("https://cloudtrail-data.cn-north-1.amazonaws.com.cn");
    expect(at("aws-us-gov", "us-gov-west-1", true)).toBe(
      "https://cloudtrail-data-fips.us-gov-west-1.amazonaws.com",
    );
  });

  it("takes an event data store as an ID or an ARN", () => {
    expect(parseEventDataStore("EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE")).toEqual({
      id: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE",
    });
    expect(
      parseEventDataStore("arn:aws:cloudtrail:us-east-2:123456789012:eventdatastore/EXAMPLE-f852-4e8f"),
    ).toEqual({ id: "EXAMPLE-f852-4e8f", region: "us-east-2", account: "123456789012" });
    expect(parseEventDataStore("x; DROP TABLE")).toBeUndefined();
  });
});
