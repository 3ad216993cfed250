/**
 * Test certificates: a CA, a server certificate for localhost / 127.0.0.1 and a client certificate, all signed by
 * the CA (ECDSA P-256, SHA-256, which both OpenSSL and GnuTLS accept), plus a second, unrelated CA to prove that
 * verification fails. Written as PEM files into a directory, once per process.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generate } from "selfsigned";

export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed none of the above. */
  otherCa: string;
  /** The PEM files: ca.pem, server.pem, server-key.pem, client.pem, client-key.pem, other-ca.pem. */
  files: Record<"ca" | "serverCert" | "serverKey" | "clientCert" | "clientKey" | "otherCa", string>;
}

const BASE = { keyType: "ec" as const, algorithm: "sha256" };
const CA_EXTENSIONS = [
  { name: "basicConstraints" as const, cA: true, critical: true },
  { name: "keyUsage" as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
];

async function ca(name: string) {
  return generate([{ name: "commonName", value: name }], { ...BASE, extensions: CA_EXTENSIONS });
}

async function leaf(name: string, signer: { private: string; cert: string }, server: boolean) {
  return generate([{ name: "commonName", value: name }], {
    ...BASE,
    ca: { key: signer.private, cert: signer.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: server, clientAuth: true },
      ...(server
        ? [
            {
              name: "subjectAltName" as const,
              altNames: [
                { type: 2 as const, value: "localhost" },
                { type: 7 as const, ip: "127.0.0.1" },
              ],
            },
          ]
        : []),
    ],
  });
}

let cached: Promise<TestCerts> | undefined;

export function testCerts(): Promise<TestCerts> {
  cached ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-syslog-certs-"));
    const root = await ca("Log Shipper Test CA");
    const other = await ca("Unrelated CA");
    const server = await leaf("localhost", root, true);
    const client = await leaf("logshipper-client", root, false);
    const pems = {
      ca: root.cert,
      serverCert: server.cert,
      serverKey: server.private,
      clientCert: client.cert,
      clientKey: client.private,
      otherCa: other.cert,
    };
    const names = {
      ca: "ca.pem",
      serverCert: "server.pem",
      serverKey: "server-key.pem",
      clientCert: "client.pem",
      clientKey: "client-key.pem",
      otherCa: "other-ca.pem",
    };
    const files = {} as TestCerts["files"];
    for (const [key, name] of Object.entries(names) as [keyof typeof names, string][]) {
      files[key] = path.join(dir, name);
      fs.writeFileSync(files[key], pems[key], { mode: 0o600 });
    }
    return { dir, ...pems, files };
  })();
  return cached;
}
