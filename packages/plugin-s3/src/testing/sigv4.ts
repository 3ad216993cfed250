/**
 * Test support: checks the AWS Signature Version 4 of a request received by a loopback server, by signing the
 * same request again (@smithy/signature-v4, the SDK's own signer) with the secret the test knows, over exactly
 * the headers the client signed, at the client's x-amz-date, and comparing the signatures.
 */
import type { IncomingMessage } from "node:http";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export interface SignatureCheck {
  ok: boolean;
  /** Why it failed, for the error response. */
  reason?: string | undefined;
  accessKeyId?: string | undefined;
  region?: string | undefined;
  service?: string | undefined;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function amzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** Verify `req` (whose body was read into `body`) against the secrets of the known access keys. */
export async function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  secrets: ReadonlyMap<string, string>,
): Promise<SignatureCheck> {
  const auth = req.headers.authorization ?? "";
  const m = AUTH.exec(auth);
  if (!m) return { ok: false, reason: "missing or malformed Authorization header" };
  const [, accessKeyId, , region, service, signedHeaders, signature] = m as unknown as string[];
  const secret = secrets.get(accessKeyId!);
  if (secret === undefined) return { ok: false, reason: `unknown access key ${accessKeyId}`, accessKeyId };
  const date = amzDate(String(req.headers["x-amz-date"] ?? ""));
  if (!date) return { ok: false, reason: "missing x-amz-date" };
  const names = signedHeaders!.split(";");
  if (!names.includes("host")) return { ok: false, reason: "host is not signed" };
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const request = new HttpRequest({
    method: req.method ?? "GET",
    protocol: "http:",
    hostname: url.hostname,
    ...(url.port !== "" && { port: Number(url.port) }),
    path: url.pathname,
    query,
    headers,
    body: body.toString("utf8"),
  });
  const sessionToken = req.headers["x-amz-security-token"];
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    sha256: Hash.bind(null, "sha256"),
    credentials: {
      accessKeyId: accessKeyId!,
      secretAccessKey: secret,
      ...(typeof sessionToken === "string" && { sessionToken }),
    },
  });
  const signed = await signer.sign(request, { signingDate: date, signableHeaders: new Set(names) });
  const expected = AUTH.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ""))?.[6];
  if (expected !== signature)
    return { ok: false, reason: "signature does not match", accessKeyId, region, service };
  return { ok: true, accessKeyId: accessKeyId!, region: region!, service: service! };
}
