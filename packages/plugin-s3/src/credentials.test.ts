/**
 * Credentials: `roleArn` + `externalId` assume a role through STS (a loopback STS that checks the caller's
 * SigV4 signature and the external ID), and the temporary credentials sign the calls that follow (checked by
 * the loopback SQS server). Static keys are used as given.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Source } from "./index.js";
import { FakeSqs } from "./testing/sqs-server.js";
import { verifySigV4 } from "./testing/sigv4.js";

const ROLE = "arn:aws:iam::123456789012:role/logshipper-reader";
let sts: http.Server;
let stsUrl = "";
let sqs: FakeSqs;
const assumed: URLSearchParams[] = [];

function assumeRoleXml(): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIATEMPORARY</AccessKeyId><SecretAccessKey>temporary-secret</SecretAccessKey>
<SessionToken>session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/logshipper-reader/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

beforeAll(async () => {
  sts = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      void verifySigV4(req, body, new Map([["AKIDBASE", "base-secret"]])).then((check) => {
        const form = new URLSearchParams(body.toString("utf8"));
        assumed.push(form);
        const ok = check.ok && check.service === "sts" && form.get("ExternalId") === "cerby-external-id";
        if (!ok) {
          res
            .writeHead(403, { "content-type": "text/xml" })
            .end(
              `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
            );
          return;
        }
        res.writeHead(200, { "content-type": "text/xml" }).end(assumeRoleXml());
      });
    });
  });
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  sqs = await new FakeSqs(
    new Map([
      ["ASIATEMPORARY", "temporary-secret"],
      ["AKIDSTATIC", "static-secret"],
    ]),
  ).start();
});

afterAll(async () => {
  await sqs.stop();
  sts.closeAllConnections();
  await new Promise<void>((resolve) => sts.close(() => resolve()));
});

function source(options: Record<string, unknown>) {
  const config = s3Source.configSchema.parse({
    mode: "sqs",
    queueUrl: sqs.queueUrl("creds"),
    region: "us-east-1",
    ...options,
  });
  return s3Source.create(config, fakeContext({ name: "cerby-reader" }));
}

describe("s3 plugin credentials", () => {
  it("assumes roleArn with externalId, and signs with the temporary credentials", async () => {
    const src = source({
      roleArn: ROLE,
      externalId: "cerby-external-id",
      stsEndpoint: stsUrl,
      accessKeyId: "AKIDBASE",
      secretAccessKey: "base-secret",
    });
    await expect(src.test!()).resolves.toBeUndefined();
    const form = assumed.at(-1)!;
    expect(form.get("Action")).toBe("AssumeRole");
    expect(form.get("RoleArn")).toBe(ROLE);
    expect(form.get("RoleSessionName")).toBe("logshipper-cerby-reader");
    expect(sqs.calls.at(-1)).toMatchObject({ action: "GetQueueAttributes", accessKeyId: "ASIATEMPORARY" });
    await src.close?.();
  });

  it("a refused AssumeRole is a configuration error", async () => {
    const src = source({
      roleArn: ROLE,
      externalId: "wrong-id",
      stsEndpoint: stsUrl,
      accessKeyId: "AKIDBASE",
      secretAccessKey: "base-secret",
    });
    const error: unknown = await src.test!().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "config", code: "LS_ERR_S3_ACCESS_DENIED" });
  });

  it("uses static keys as given", async () => {
    await expect(
      source({ accessKeyId: "AKIDSTATIC", secretAccessKey: "static-secret" }).test!(),
    ).resolves.toBeUndefined();
    expect(sqs.calls.at(-1)).toMatchObject({ accessKeyId: "AKIDSTATIC" });
  });
});
