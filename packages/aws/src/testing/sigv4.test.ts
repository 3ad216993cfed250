/** The SigV4 check of the loopback servers: a request the SDK's signer signed passes; a changed one fails. */
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { knownKeys, verifySigV4, type RawRequest } from "./index.js";

async function signed(body: string, sessionToken?: string): Promise<RawRequest> {
  const signer = new SignatureV4({
    service: "sqs",
    region: "us-east-1",
    sha256: Hash.bind(null, "sha256"),
    credentials: {
      accessKeyId: "AKIDTEST",
      secretAccessKey: "secret",
      ...(sessionToken && { sessionToken }),
    },
  });
  const request = new HttpRequest({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 9999,
    path: "/queue/a b",
    query: { Action: "x", list: ["1", "2"] },
    headers: { host: "127.0.0.1:9999", "content-type": "application/json" },
    body,
  });
  const out = await signer.sign(request);
  const query = "?Action=x&list=1&list=2";
  return { method: "POST", url: `/queue/a%20b${query}`, headers: out.headers, body: Buffer.from(body) };
}

describe("verifySigV4", () => {
  const keys = knownKeys(new Map([["AKIDTEST", "secret"]]));

  it("accepts what the SDK's signer signed, and names key, region and service", async () => {
    await expect(verifySigV4(await signed("{}"), keys)).resolves.toEqual({
      ok: true,
      accessKeyId: "AKIDTEST",
      region: "us-east-1",
      service: "sqs",
    });
  });

  it("refuses a changed body, an unknown key, a wrong secret and a missing session token", async () => {
    const tampered = { ...(await signed("{}")), body: Buffer.from('{"a":1}') };
    expect(await verifySigV4(tampered, keys)).toMatchObject({ ok: false, type: "InvalidSignatureException" });
    expect(await verifySigV4(await signed("{}"), () => undefined)).toMatchObject({
      ok: false,
      type: "UnrecognizedClientException",
    });
    const wrong = knownKeys(new Map([["AKIDTEST", "other"]]));
    expect(await verifySigV4(await signed("{}"), wrong)).toMatchObject({ ok: false, status: 403 });
    const temporary = knownKeys(new Map([["AKIDTEST", { secretAccessKey: "secret", sessionToken: "tok" }]]));
    expect(await verifySigV4(await signed("{}"), temporary)).toMatchObject({ ok: false });
    expect(await verifySigV4(await signed("{}", "tok"), temporary)).toMatchObject({ ok: true });
  });
});
