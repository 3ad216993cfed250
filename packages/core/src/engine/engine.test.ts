/** Engine start-up failures must give back what the run took: the state lock and the store. */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfigText } from "../config/load.js";
import { createLogger, Redactor } from "../log.js";
import { Engine } from "./engine.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function engineIn(dir: string): Promise<Engine> {
  fs.writeFileSync(path.join(dir, "in.ndjson"), '{"id":"a","n":1}\n');
  const text = `
state: { dir: state }
sources:
  in: { plugin: file, path: in.ndjson, idField: id }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: in, destination: out }
`;
  const config = await loadConfigText(text, path.join(dir, "logshipper.yaml"), {});
  const redactor = new Redactor();
  return new Engine(config, createLogger({ redactor, write: () => undefined }), redactor);
}

describe("engine start-up", () => {
  it("releases the state lock when the metrics port is taken, so the next run can start", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-engine-"));
    dirs.push(dir);
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const first = await engineIn(dir);
      await expect(first.run({ once: true, metricsPort: port })).rejects.toThrow(/EADDRINUSE/);
      // The lock names this process, which a second run here would take over: look at the file itself.
      expect(fs.existsSync(path.join(dir, "state", "run.lock"))).toBe(false);
      const second = await engineIn(dir);
      const summary = await second.run({ once: true });
      expect(summary.text).toMatch(/^in\.\S*out\s+1\s/m);
    } finally {
      busy.close();
    }
  });
});
