/**
 * Credentials of the AWS options: the memoized provider, static keys, a named profile, and AssumeRole (with
 * ExternalId and RoleSessionName) against the loopback STS, which checks the caller's SigV4 signature.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialProvider, memoize, resolveRegion, sessionNameFor } from "./index.js";
import { FakeSts } from "./testing/index.js";

const ROLE = "arn:aws:iam::123456789012:role/reader";
const base = { accessKeyId: "AKIDBASE", secretAccessKey: "base-secret" };
let sts: FakeSts;

beforeAll(async () => {
  sts = await new FakeSts({
    keys: { AKIDBASE: "base-secret" },
    roles: { [ROLE]: { externalId: "ext-42" } },
  }).start();
});
afterAll(() => sts.stop());

describe("credentialProvider", () => {
  it("uses static keys from the options as they are", async () => {
    const provider = credentialProvider(
      { credentials: { ...base, sessionToken: "tok" } },
      { region: "us-east-1" },
    );
    expect(await provider()).toEqual({ ...base, sessionToken: "tok" });
  });

  it("assumes roleArn with roleExternalId and roleSessionName, signed with the base keys", async () => {
    const provider = credentialProvider(
      {
        credentials: base,
        roleArn: ROLE,
        roleExternalId: "ext-42",
        roleSessionName: "my-session",
        stsEndpoint: sts.url,
      },
      { region: "us-east-1" },
    );
    const identity = await provider();
    const issued = sts.issued.at(-1)!;
    expect(identity).toMatchObject({ accessKeyId: issued.accessKeyId, sessionToken: issued.sessionToken });
    expect(issued).toMatchObject({ roleArn: ROLE, externalId: "ext-42", sessionName: "my-session" });
    await provider();
    expect(sts.issued.at(-1)).toBe(issued); // memoized: one AssumeRole for both calls
  });

  it("takes the default session name, and reports a refused AssumeRole through onError", async () => {
    const provider = credentialProvider(
      { credentials: base, roleArn: ROLE, roleExternalId: "wrong", stsEndpoint: sts.url },
      {
        region: "us-east-1",
        defaultSessionName: "logshipper-x",
        onError: (e) => new Error(`wrapped: ${String(e)}`),
      },
    );
    await expect(provider()).rejects.toThrow(/^wrapped: .*AccessDenied/);
    expect(sts.calls.at(-1)?.get("RoleSessionName")).toBe("logshipper-x");
  });

  it("reads a named profile", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-aws-"));
    const file = path.join(dir, "credentials");
    fs.writeFileSync(
      file,
      "[ls-test-profile]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p-secret\n",
    );
    const saved = { ...process.env };
    process.env.AWS_SHARED_CREDENTIALS_FILE = file;
    process.env.AWS_CONFIG_FILE = path.join(dir, "config");
    try {
      const provider = credentialProvider(
        { credentials: { profile: "ls-test-profile" } },
        { region: "us-east-1" },
      );
      expect(await provider()).toMatchObject({ accessKeyId: "AKIDPROFILE", secretAccessKey: "p-secret" });
    } finally {
      process.env = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("memoize", () => {
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
      { now: () => now, onError: (e) => new TypeError((e as Error).message) },
    );
    await expect(provider()).rejects.toBeInstanceOf(TypeError);
    fail = false;
    await provider();
    await provider();
    expect(calls).toBe(2);
    now = 3_600_000 - 60_000; // within 5 minutes of expiry
    await provider();
    expect(calls).toBe(3);
  });
});

describe("region and session name", () => {
  it("takes the first region given, else AWS_REGION, AWS_DEFAULT_REGION, us-east-1", () => {
    expect(resolveRegion([undefined, "eu-west-1"], { AWS_REGION: "us-west-2" })).toBe("eu-west-1");
    expect(resolveRegion([undefined], { AWS_REGION: "us-west-2" })).toBe("us-west-2");
    expect(resolveRegion([], { AWS_DEFAULT_REGION: "ap-south-1" })).toBe("ap-south-1");
    expect(resolveRegion([], {})).toBe("us-east-1");
  });

  it("makes a RoleSessionName of a configuration name", () => {
    expect(sessionNameFor("cerby reader/1")).toBe("logshipper-cerby-reader-1");
    expect(sessionNameFor("x".repeat(80))).toHaveLength(64);
  });
});
