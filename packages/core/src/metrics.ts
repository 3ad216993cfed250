/** Prometheus metrics (prom-client) for `--metrics-port`: records per stage and SIEM mapping, backlog. */
import http from "node:http";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Metrics } from "./sdk/types.js";

export const STAGES = ["pulled", "filtered", "mapped", "deduplicated", "sent", "deadlettered"] as const;
export type Stage = (typeof STAGES)[number];

export class EngineMetrics {
  readonly registry = new Registry();
  readonly records: Counter<"stage" | "siem_mapping">;
  readonly sourceRecords: Counter<"source" | "outcome">;
  readonly backlog: Gauge<"siem_mapping">;
  readonly bufferBytes: Gauge;
  readonly destinationState: Gauge<"destination">;
  readonly invalidUtf8: Counter<"source">;
  private readonly pluginCounters = new Map<string, Counter>();
  private collectingDefaults = false;

  constructor() {
    this.records = new Counter({
      name: "logshipper_records_total",
      help: "Records per stage and SIEM mapping",
      labelNames: ["stage", "siem_mapping"],
      registers: [this.registry],
    });
    this.sourceRecords = new Counter({
      name: "logshipper_source_records_total",
      help: "Records pulled per source: accepted into the buffer, filtered out, or rejected as malformed",
      labelNames: ["source", "outcome"],
      registers: [this.registry],
    });
    this.backlog = new Gauge({
      name: "logshipper_backlog_records",
      help: "Buffered records a SIEM mapping has not settled yet",
      labelNames: ["siem_mapping"],
      registers: [this.registry],
    });
    this.bufferBytes = new Gauge({
      name: "logshipper_buffer_bytes",
      help: "Bytes of record data in the durable buffer",
      registers: [this.registry],
    });
    this.destinationState = new Gauge({
      name: "logshipper_destination_paused",
      help: "1 while a destination is paused by a configuration-level failure",
      labelNames: ["destination"],
      registers: [this.registry],
    });
    this.invalidUtf8 = new Counter({
      name: "logshipper_invalid_utf8_total",
      help: "Records and malformed inputs per source that held invalid UTF-8 (decoded with U+FFFD in its place)",
      labelNames: ["source"],
      registers: [this.registry],
    });
  }

  forPlugin(scope: string): Metrics {
    return {
      count: (name, value = 1, labels = {}) => {
        const full = `logshipper_plugin_${name.replace(/[^a-zA-Z0-9_]/g, "_")}`;
        let counter = this.pluginCounters.get(full);
        if (!counter) {
          counter = new Counter({
            name: full,
            help: `Plugin counter ${name}`,
            labelNames: ["plugin_config", ...Object.keys(labels)],
            registers: [this.registry],
          });
          this.pluginCounters.set(full, counter);
        }
        counter.inc({ plugin_config: scope, ...labels }, value);
      },
    };
  }

  /**
   * Serve `/metrics` and `/healthz` (200 or 503 with the JSON of `health()`, see engine/health.ts). Resolves
   * with the server once it listens.
   */
  serve(
    port: number,
    host = "127.0.0.1",
    health: () => { status: string } = () => ({ status: "ok" }),
  ): Promise<http.Server> {
    // Process metrics (CPU, memory, event loop lag, GC) only when someone can read them: collecting them
    // observes every garbage collection.
    if (!this.collectingDefaults) collectDefaultMetrics({ register: this.registry, prefix: "logshipper_" });
    this.collectingDefaults = true;
    const server = http.createServer((req, res) => {
      if (req.url === "/metrics") {
        this.registry
          .metrics()
          .then((body) => {
            res.writeHead(200, { "content-type": this.registry.contentType });
            res.end(body);
          })
          .catch((error: unknown) => {
            res.writeHead(500);
            res.end(String(error));
          });
      } else if (req.url === "/healthz") {
        const report = health();
        res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" });
        res.end(`${JSON.stringify(report)}\n`);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve(server));
    });
  }
}
