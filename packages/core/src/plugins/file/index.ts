/** The built-in `file` source and destination, written on the SDK like any plugin. */
import { definePlugin } from "../../sdk/plugin.js";
import { fileDestinationConfig, fileSourceConfig } from "./config.js";
import { createFileDestination } from "./destination.js";
import { createFileSource } from "./source.js";

export const fileSource = definePlugin({
  name: "file",
  kind: "source",
  description:
    "Reads records from local files (a file, a directory or a glob): NDJSON, JSON arrays, concatenated JSON, " +
    "MetaDefender members lines; gzip by content. Resumes at the exact byte offset; `follow` tails files.",
  configSchema: fileSourceConfig,
  create: (config, ctx) => createFileSource(config, ctx),
});

export const fileDestination = definePlugin({
  name: "file",
  kind: "destination",
  description:
    "Writes NDJSON objects (optionally gzip) under a directory, one per key template; atomic, content-named, " +
    "so a re-sent batch overwrites itself.",
  configSchema: fileDestinationConfig,
  create: (config, ctx) => createFileDestination(config, ctx),
});

/** What the registry loads from this entry (core's package.json names it, as every bundled package does). */
export const plugins = [fileSource, fileDestination];

export type { FileSourceConfig, FileDestinationConfig } from "./config.js";
export { fileSourceConfig, fileDestinationConfig, DEFAULT_KEY_TEMPLATE } from "./config.js";
export type { FileDestination } from "./destination.js";
export { FILE_MAX_BATCH_RECORDS, createFileDestination, writeAtomic } from "./destination.js";
export type { FileSourceCheckpoint, FileEntry, FileSourceLimits } from "./source.js";
export { createFileSource, readCheckpoint, DEFAULT_SOURCE_LIMITS } from "./source.js";
export { classifyFsError } from "./errors.js";
export { ERROR_CODES, type FileErrorCode } from "./error-codes.js";
