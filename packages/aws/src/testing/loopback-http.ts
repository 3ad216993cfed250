/**
 * The HTTP server under every loopback AWS fake (STS, SQS, CloudTrail Lake): bound to 127.0.0.1 on a free port,
 * each request handed over with its whole body, a handler's failure answered with a 500 (so that a broken fake
 * shows up as a failed call in the test, not as a hung one).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type LoopbackHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
) => Promise<void> | void;

export interface LoopbackHttp {
  readonly server: http.Server;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Drops open connections (the SDKs keep them alive) and stops listening. */
  close(): Promise<void>;
}

export async function listenLoopback(handle: LoopbackHandler): Promise<LoopbackHttp> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      Promise.resolve()
        .then(() => handle(req, res, Buffer.concat(chunks)))
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500).end(String(error));
        });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { server, url, close };
}
