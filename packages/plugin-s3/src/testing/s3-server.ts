/**
 * Test support: s3rver (a local S3) in a child process, behind a small proxy on loopback.
 *
 * - The child runs with NODE_OPTIONS=--openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation
 *   tokens with DES, which Node >= 17 only offers with the legacy provider.
 * - The proxy records every request (method, path, query, headers), can answer with injected failures
 *   (503 SlowDown, 403 AccessDenied, KMS errors) or hold requests until a test releases them, and answers
 *   AbortMultipartUpload itself with 204 as S3 does (s3rver answers 405).
 * - s3rver checks no signatures; tests that need that use the SQS server (SigV4 checked by @logshipper/aws/testing).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

export interface S3Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface S3Fault {
  method?: string;
  /** Matched against the decoded path, e.g. /bucket/key. */
  path?: RegExp;
  /** A query parameter that must be present, e.g. `uploadId`, `partNumber`, `list-type`. */
  query?: string;
  status: number;
  code: string;
  message?: string;
  times: number;
}

const SCRIPT = `
const S3rver = require(process.argv[1]);
const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: process.argv[2] });
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"));
// Exit with the parent: its end of stdin closes when it exits, even when it is killed.
process.stdin.on("end", () => process.exit(0)).resume();
`;

export class FakeS3 {
  readonly requests: S3Request[] = [];
  readonly faults: S3Fault[] = [];
  /** Requests held until `release()`: a predicate, and the callbacks that let them through. */
  private holds: { match: (r: S3Request) => boolean; waiting: (() => void)[] }[] = [];
  private child: ChildProcess | undefined;
  private proxy: http.Server | undefined;
  private upstream = 0;
  private dir = "";
  url = "";

  async start(): Promise<this> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-s3rver-"));
    const s3rver = createRequire(import.meta.url).resolve("s3rver");
    this.child = spawn(process.execPath, ["-e", SCRIPT, s3rver, this.dir], {
      env: { ...process.env, NODE_OPTIONS: "--openssl-legacy-provider" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.upstream = await new Promise<number>((resolve, reject) => {
      this.child!.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
      this.child!.stdout!.setEncoding("utf8").once("data", (line: string) => {
        resolve((JSON.parse(line) as { port: number }).port);
      });
    });
    this.proxy = http.createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.proxy!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.release();
    this.proxy?.closeAllConnections();
    await new Promise<void>((resolve) => (this.proxy ? this.proxy.close(() => resolve()) : resolve()));
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once("exit", resolve));
      this.child.kill();
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Create a bucket (PUT /bucket). */
  async createBucket(name: string): Promise<void> {
    const status = await new Promise<number>((resolve, reject) => {
      http
        .request(`${this.url}/${name}`, { method: "PUT" }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject)
        .end();
    });
    if (status !== 200) throw new Error(`CreateBucket ${name}: HTTP ${status}`);
  }

  fail(fault: S3Fault): void {
    this.faults.push(fault);
  }

  /** Hold matching requests until `release()`. */
  hold(match: (r: S3Request) => boolean): void {
    this.holds.push({ match, waiting: [] });
  }

  /** Let every held request through, and hold no more. */
  release(): void {
    const holds = this.holds;
    this.holds = [];
    for (const h of holds) for (const go of h.waiting) go();
  }

  /** Requests held now. */
  get held(): number {
    return this.holds.reduce((n, h) => n + h.waiting.length, 0);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const request: S3Request = {
      method: req.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
    };
    this.requests.push(request);
    const fault = this.faults.find(
      (f) =>
        f.times > 0 &&
        (f.method === undefined || f.method === request.method) &&
        (f.path === undefined || f.path.test(request.path)) &&
        (f.query === undefined || url.searchParams.has(f.query)),
    );
    if (fault) {
      fault.times--;
      req.resume();
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message ?? "injected"}</Message><RequestId>fake</RequestId></Error>`;
      res
        .writeHead(fault.status, { "content-type": "application/xml" })
        .end(request.method === "HEAD" ? undefined : xml);
      return;
    }
    if (request.method === "DELETE" && url.searchParams.has("uploadId")) {
      req.resume();
      res.writeHead(204).end();
      return;
    }
    const go = () => {
      const upstream = http.request(
        { host: "127.0.0.1", port: this.upstream, method: req.method, path: req.url, headers: req.headers },
        (response) => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    };
    const hold = this.holds.find((h) => h.match(request));
    if (hold) hold.waiting.push(go);
    else go();
  }
}

/** Options for plugin configurations that talk to this server. */
export function s3Options(server: FakeS3): Record<string, unknown> {
  return {
    endpoint: server.url,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
}
