/**
 * Read records from a data file for `rule test` and `mapping test`, with the `file` source itself (found in the
 * registry like any plugin: core's modules do not import plugins).
 */
import { loadRegistry } from "../config/registry.js";
import { createLogger, Redactor } from "../log.js";
import { EngineMetrics } from "../metrics.js";
import type { LogRecord, PluginContext, RejectedInput } from "../sdk/types.js";
import { normalize } from "../engine/normalize.js";
import type { SourceConfig } from "../config/load.js";
import { sourceCoreSchema } from "../config/schema.js";

export interface InputOptions {
  type?: string;
  subtypeField?: string;
  idField?: string;
  timeField?: string;
  format?: string;
}

export async function readInputRecords(
  file: string,
  options: InputOptions,
): Promise<{ records: LogRecord[]; rejects: RejectedInput[] }> {
  const registry = await loadRegistry([], process.cwd(), [], { sources: ["file"], destinations: [] });
  const fileSource = registry.sources.get("file");
  if (!fileSource) throw new Error("the built-in file source is not installed");
  const controller = new AbortController();
  const ctx: PluginContext = {
    name: "input",
    logger: createLogger({ redactor: new Redactor(), level: "warn" }),
    metrics: new EngineMetrics().forPlugin("input"),
    signal: controller.signal,
    clock: { now: Date.now },
    state: { get: () => undefined, set: () => undefined },
    mode: "once",
    baseDir: process.cwd(),
  };
  const config = fileSource.configSchema.parse({ path: file, format: options.format ?? "auto" });
  const source = fileSource.create(config, ctx);
  const core = sourceCoreSchema.parse({
    plugin: "file",
    recordType: options.type ?? "event",
    ...(options.subtypeField ? { subtypeField: options.subtypeField } : {}),
    ...(options.idField ? { idField: options.idField } : {}),
    ...(options.timeField ? { timeField: options.timeField } : {}),
  });
  const sourceConfig: SourceConfig = { name: "input", plugin: fileSource, core, options: config };
  const records: LogRecord[] = [];
  const rejects: RejectedInput[] = [];
  const now = Date.now();
  for await (const batch of source.pull(undefined, controller.signal)) {
    for (const input of batch.records) records.push(normalize(input, sourceConfig, now));
    rejects.push(...(batch.rejects ?? []));
  }
  await source.close?.();
  return { records, rejects };
}
