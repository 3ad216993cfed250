/**
 * Server-side SigV4 verification for loopback AWS servers (STS, SQS, CloudTrail): the signature is recomputed
 * from the raw request
 * (method, path, query, the headers named in SignedHeaders, the body) and the secret of the access key, with
 * `@smithy/signature-v4`, and compared with the one the client sent. The body is hashed here too: a request
 * whose `x-amz-content-sha256` does not match its body fails, as a tampered request must.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export interface RawRequest {
  method: string;
  /** Path and query as received (`/PutAuditEvents?channelArn=arn%3Aaws...`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface KnownKey {
  secretAccessKey: string;
  /** Temporary keys must come with this `x-amz-security-token`. */
  sessionToken?: string | undefined;
}

/** The secret (and session token) of an access key the server knows, or undefined. */
export type KeyLookup = (accessKeyId: string) => KnownKey | undefined;

/** A key lookup over a map of access key ids to secrets (or to known keys). */
export function knownKeys(keys: ReadonlyMap<string, string | KnownKey>): KeyLookup {
  return (accessKeyId) => {
    const key = keys.get(accessKeyId);
    return typeof key === "string" ? { secretAccessKey: key } : key;
  };
}

/** The request as a Node server received it, with its body read. */
export function rawRequest(req: IncomingMessage, body: Buffer): RawRequest {
  return { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body };
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; status: number; type: string; message: string };

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const fail = (type: string, message: string, status = 403): SigV4Result => ({
  ok: false,
  status,
  type,
  message,
});

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** `application/x-www-form-urlencoded`-free query parsing: AWS encodes with %XX only (no `+` for space). */
function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    const prev = query[key];
    query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return query;
}

/** Check `req`'s signature with the secret of its access key; the failure says what AWS would answer. */
export async function verifySigV4(req: RawRequest, keys: KeyLookup): Promise<SigV4Result> {
  const authorization = header(req.headers, "authorization");
  if (!authorization) return fail("MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = AUTH.exec(authorization);
  if (!m) return fail("IncompleteSignatureException", "Authorization header is not AWS4-HMAC-SHA256", 400);
  const [, accessKeyId, day, region, service, signedList, signature] = m as unknown as string[];
  const key = keys(accessKeyId!);
  if (!key)
    return fail("UnrecognizedClientException", "The security token included in the request is invalid.");
  const amzDate = header(req.headers, "x-amz-date") ?? "";
  const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!d || amzDate.slice(0, 8) !== day) return fail("IncompleteSignatureException", "bad X-Amz-Date", 400);
  const signingDate = new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!));
  if (Math.abs(Date.now() - signingDate.getTime()) > 15 * 60_000)
    return fail("InvalidSignatureException", "Signature expired: X-Amz-Date is more than 15 minutes away");
  const signed = signedList!.split(";");
  const token = header(req.headers, "x-amz-security-token");
  if (
    key.sessionToken !== undefined &&
    (token !== key.sessionToken || !signed.includes("x-amz-security-token"))
  )
    return fail("UnrecognizedClientException", "The security token included in the request is invalid.");
  const bodyHash = createHash("sha256").update(req.body).digest("hex");
  const claimed = header(req.headers, "x-amz-content-sha256");
  if (claimed !== undefined && claimed !== bodyHash)
    return fail("InvalidSignatureException", "x-amz-content-sha256 does not match the body");

  const url = new URL(req.url, "http://placeholder");
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(req.headers, name);
    if (value === undefined)
      return fail("IncompleteSignatureException", `signed header ${name} is missing`, 400);
    headers[name] = value;
  }
  const request = new HttpRequest({
    method: req.method,
    protocol: "http:",
    hostname: (headers.host ?? "").split(":")[0] ?? "",
    path: decodeURIComponent(url.pathname),
    query: parseQuery(url.search),
    headers,
    body: req.body,
  });
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    credentials: {
      accessKeyId: accessKeyId!,
      secretAccessKey: key.secretAccessKey,
      ...(token !== undefined && signed.includes("x-amz-security-token") && { sessionToken: token }),
    },
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: signed.includes("x-amz-content-sha256"),
  });
  const resigned = await signer.sign(request, { signingDate });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1] ?? "";
  const same =
    expected.length === signature!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature!));
  if (!same) {
    return fail(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided.",
    );
  }
  return { ok: true, accessKeyId: accessKeyId!, region: region!, service: service! };
}
