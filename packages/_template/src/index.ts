/**
 * `@logshipper/plugin-template`: a plugin package to copy. It declares its plugins here and exports them as
 * `plugins`; core loads the package by name from the `plugins:` list of the configuration file.
 */
import { definePlugin, z, type PluginDefinition } from "@logshipper/core/sdk";
import { templateDestinationConfig, templateSourceConfig } from "./config.js";
import { createTemplateDestination } from "./destination.js";
import { createTemplateSource } from "./source.js";

export const templateDestination = definePlugin({
  name: "template",
  kind: "destination",
  description:
    "Example destination: sends each batch as one NDJSON POST to `url`; understands per-record results " +
    '({"results": [{"status": "ok" | "retry" | "fail"}]}).',
  configSchema: templateDestinationConfig,
  // What a SIEM mapping must produce: each line is a JSON object. Core checks it per record before `send`
  // and dead-letters what does not match. Without `defaultMapping`, a SIEM mapping that names no mapping file
  // sends `record.data` as it is.
  outputSchema: z.record(z.string(), z.unknown()).describe("a JSON object (one NDJSON line)"),
  create: (config, ctx) => createTemplateDestination(config, ctx),
});

export const templateSource = definePlugin({
  name: "template",
  kind: "source",
  description:
    "Example source: pulls pages from `url?cursor=X` ({records: [...], next}); resumes at the exact record.",
  configSchema: templateSourceConfig,
  create: (config, ctx) => createTemplateSource(config, ctx),
});

/** Every plugin of this package: what core's registry reads first. */
export const plugins: PluginDefinition[] = [templateSource, templateDestination];

export { templateDestinationConfig, templateSourceConfig } from "./config.js";
export type { TemplateDestinationConfig, TemplateSourceConfig } from "./config.js";
export { TemplateClient, type ClientOptions, type HttpResponse } from "./client.js";
export { classify, parseRetryAfter, HttpStatusError, BadResponseError } from "./errors.js";
export {
  createTemplateDestination,
  outcomesOf,
  MAX_BATCH_RECORDS,
  MAX_REQUEST_BYTES,
  MAX_RECORD_BYTES,
} from "./destination.js";
export { createTemplateSource, readCheckpoint, type TemplateCheckpoint } from "./source.js";
export { ERROR_CODES } from "./error-codes.js";
