/**
 * A loopback STS for tests: AssumeRole (awsQuery: a form body, an XML answer) after checking the caller's SigV4
 * signature (sigv4.ts). Roles may require an ExternalId, as a trust policy does. Each AssumeRole issues fresh
 * temporary keys with a session token and adds them to `keys`; other loopback servers that share the lookup
 * (`sts.lookup`) then accept requests signed with them, as AWS services do.
 *
 * `answerAssumeRole` and `stsError` are also used by servers that serve STS next to another API on one port
 * (the loopback CloudTrail Lake).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import { listenLoopback, type LoopbackHttp } from "./loopback-http.js";
import { rawRequest, verifySigV4, type KeyLookup, type KnownKey } from "./sigv4.js";

export interface StsRole {
  /** The ExternalId the role's trust policy requires, if any. */
  externalId?: string | undefined;
}

export interface AssumedRole {
  roleArn: string;
  sessionName: string;
  externalId: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface FakeStsOptions {
  /** Base keys that may call AssumeRole: access key id to secret (or to a known key). */
  keys?: Record<string, string | KnownKey>;
  roles?: Record<string, StsRole>;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An STS error answer (awsQuery XML), as the SDK parses it: `error.name` is `code`. */
export function stsError(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
      `<Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/**
 * Answer an AssumeRole call whose signature was checked: refuse an unknown role or a wrong ExternalId
 * (AccessDenied), else issue temporary keys, add them to `keys` and return them.
 */
export function answerAssumeRole(
  form: URLSearchParams,
  roles: Readonly<Record<string, StsRole>>,
  keys: Map<string, KnownKey>,
  res: http.ServerResponse,
): AssumedRole | undefined {
  const roleArn = form.get("RoleArn") ?? "";
  const role = roles[roleArn];
  if (!role) {
    stsError(res, 403, "AccessDenied", `not authorized to perform sts:AssumeRole on ${roleArn}`);
    return undefined;
  }
  const externalId = form.get("ExternalId") ?? undefined;
  if (role.externalId !== undefined && externalId !== role.externalId) {
    stsError(res, 403, "AccessDenied", "ExternalId does not match the role's trust policy");
    return undefined;
  }
  const accessKeyId = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString("base64");
  const sessionToken = randomBytes(48).toString("base64");
  keys.set(accessKeyId, { secretAccessKey, sessionToken });
  const sessionName = form.get("RoleSessionName") ?? "session";
  const expiration = new Date(Date.now() + 3_600_000).toISOString();
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:${sessionName}</AssumedRoleId>` +
      `<Arn>${roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/${sessionName}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
  );
  return { roleArn, sessionName, externalId, accessKeyId, secretAccessKey, sessionToken };
}

export class FakeSts {
  /** Every key STS accepts: the base keys and the temporary keys it issued. */
  readonly keys = new Map<string, KnownKey>();
  readonly roles: Record<string, StsRole>;
  /** The form of every correctly signed call. */
  readonly calls: URLSearchParams[] = [];
  /** The temporary keys issued, in order. */
  readonly issued: AssumedRole[] = [];
  /** Looks keys up in `keys`: give it to the loopback servers that should accept the temporary keys. */
  readonly lookup: KeyLookup = (accessKeyId) => this.keys.get(accessKeyId);
  url = "";
  private server: LoopbackHttp | undefined;

  constructor(options: FakeStsOptions = {}) {
    for (const [id, key] of Object.entries(options.keys ?? {}))
      this.keys.set(id, typeof key === "string" ? { secretAccessKey: key } : key);
    this.roles = options.roles ?? {};
  }

  async start(): Promise<this> {
    this.server = await listenLoopback((req, res, body) => this.handle(req, res, body));
    this.url = this.server.url;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await server.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const auth = await verifySigV4(rawRequest(req, body), this.lookup);
    if (!auth.ok) return stsError(res, auth.status, auth.type.replace(/Exception$/, ""), auth.message);
    if (auth.service !== "sts")
      return stsError(res, 403, "SignatureDoesNotMatch", "credential scope is not sts");
    const form = new URLSearchParams(body.toString("utf8"));
    this.calls.push(form);
    if (form.get("Action") !== "AssumeRole")
      return stsError(res, 400, "InvalidAction", `unsupported action ${form.get("Action")}`);
    const assumed = answerAssumeRole(form, this.roles, this.keys, res);
    if (assumed) this.issued.push(assumed);
  }
}
