/**
 * Chaos, with a real sender: rsyslog forwards a stream (omfwd, octet-counted, over TCP and over TLS, with a
 * disk-less queue and retries) to our receiver, and the receiver is stopped and started again twice in the middle
 * of the stream. Every message must arrive: the receiver's graceful stop closes its side, reads until the sender
 * closes its own (see server.ts `drain`), and hands that last batch to core before it returns.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeContext } from "@logshipper/core/testing";
import { testCerts, type TestCerts } from "../testing/certs.js";
import { collect, type Collector } from "../testing/collect.js";
import { source } from "../testing/records.js";
import { freePorts, waitForPort } from "../testing/ports.js";
import { findRsyslogd, Rsyslog } from "../testing/rsyslog.js";

// Skipped without rsyslogd and its gtls driver; under CI=true this throws, which fails the file.
const rsyslogd = findRsyslogd();

const MESSAGES = 3000;
const CHUNK = 100;

let certs: TestCerts;
let rs: Rsyslog;
let ports: { feedTcp: number; feedTls: number; tcp: number; tls: number };

describe.skipIf(!rsyslogd.available)("interop chaos: rsyslog streams while our receiver restarts", () => {
  beforeAll(async () => {
    certs = await testCerts();
    const [feedTcp, feedTls, tcp, tls] = (await freePorts(4)) as [number, number, number, number];
    ports = { feedTcp, feedTls, tcp, tls };
    const forward = (name: string, port: number, extra: string) => `
ruleset(name="${name}" parser=["rsyslog.rfc5424"] queue.type="LinkedList") {
  action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" TCP_Framing="octet-counted"
         template="RSYSLOG_SyslogProtocol23Format" ${extra}
         queue.type="LinkedList" action.resumeRetryCount="-1" action.resumeInterval="1")
}`;
    rs = new Rsyslog(
      (dir) => `
global(workDirectory="${dir}/work" defaultNetstreamDriverCAFile="${certs.files.ca}")
module(load="imtcp")
${forward("to-tcp", tcp, "")}
${forward("to-tls", tls, 'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"')}
input(type="imtcp" address="127.0.0.1" port="${feedTcp}" ruleset="to-tcp")
input(type="imtcp" address="127.0.0.1" port="${feedTls}" ruleset="to-tls")
`,
    );
    await rs.start(feedTcp);
  });

  afterAll(async () => {
    await rs?.stop();
  });

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  describe("the receiver restarts in the middle of an rsyslog stream", () => {
    it.each(["tcp", "tls"] as const)("over %s: nothing is lost", async (protocol) => {
      const listen = [`${protocol}://127.0.0.1:${ports[protocol]}`];
      const tls =
        protocol === "tls" ? { tls: { cert: certs.files.serverCert, key: certs.files.serverKey } } : {};
      const start = async (): Promise<Collector> => {
        const c = collect(
          source({ listen, ...tls, drainTimeout: 2000 }, fakeContext({ mode: "continuous" })),
        );
        await waitForPort(ports[protocol]);
        return c;
      };
      const runs: Collector[] = [await start()];
      const restart = async () => {
        await runs[runs.length - 1]!.stop(); // graceful: what the sender wrote before it saw us close is kept
        await pause(200); // the sender finds nobody listening, queues and retries
        runs.push(await start());
      };
      const feed = net.connect(protocol === "tcp" ? ports.feedTcp : ports.feedTls, "127.0.0.1");
      await new Promise((resolve) => feed.once("connect", resolve));
      // The stream goes on while the receiver stops and starts: the feed runs beside the restarts.
      const feeding = (async () => {
        for (let chunk = 0; chunk < MESSAGES / CHUNK; chunk++) {
          let frames = "";
          for (let i = chunk * CHUNK; i < (chunk + 1) * CHUNK; i++) {
            const m = `<14>1 2025-11-22T12:00:00Z chaos app - - - seq=${i}`;
            frames += `${Buffer.byteLength(m)} ${m}`;
          }
          feed.write(frames);
          await pause(100);
        }
      })();
      for (let restarts = 0; restarts < 2; restarts++) {
        await runs[runs.length - 1]!.until(300, 20_000); // this run is receiving the stream: stop it now
        await restart();
      }
      await feeding;
      await new Promise<void>((resolve) => feed.end(resolve));
      const seen = () => {
        const seqs = new Set<number>();
        for (const run of runs)
          for (const r of run.records)
            seqs.add(Number(/seq=(\d+)/.exec((r.data as { message: string }).message)?.[1]));
        return seqs;
      };
      const deadline = Date.now() + 30_000;
      while (seen().size < MESSAGES && Date.now() < deadline) await pause(50);
      await runs[runs.length - 1]!.stop();
      const missing = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => !seen().has(i));
      expect(missing.slice(0, 20)).toEqual([]);
      expect(runs.every((r) => r.rejects.length === 0)).toBe(true);
      // The first restart fell in the middle of the stream: the first run received part of it, not all.
      expect(runs).toHaveLength(3);
      expect(runs[0]!.records.length).toBeGreaterThan(0);
      expect(runs[0]!.records.length).toBeLessThan(MESSAGES);
    });
  });
});
