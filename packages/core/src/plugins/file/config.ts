/** Options of the built-in `file` source and destination (docs/configuration.md). */
import { byteSize, duration, FILE_FORMATS, validateKeyTemplate, z } from "../../sdk/index.js";

export const fileSourceConfig = z.object({
  path: z
    .string()
    .min(1)
    .describe(
      "A file, a directory (every file under it) or a glob; relative paths resolve against the config file",
    ),
  format: z
    .enum(FILE_FORMATS)
    .default("auto")
    .describe("auto, ndjson, json (array or object), concatenated, members"),
  follow: z
    .boolean()
    .default(false)
    .describe("Keep watching for appended data and new files (ignored under run --once)"),
  pollInterval: duration()
    .default(1000)
    .describe("How often a followed path is checked for new data (default 1s)"),
});
export type FileSourceConfig = z.output<typeof fileSourceConfig>;

export const DEFAULT_KEY_TEMPLATE = "{type}/{date}/{file}";

export const fileDestinationConfig = z.object({
  dir: z
    .string()
    .min(1)
    .describe("Directory that receives the objects; relative paths resolve against the config file"),
  key: z
    .string()
    .superRefine((template, ctx) => {
      for (const problem of validateKeyTemplate(template)) ctx.addIssue({ code: "custom", message: problem });
    })
    .default(DEFAULT_KEY_TEMPLATE)
    .describe(
      "Path of each object under dir: {type} {subtype} {source} {destination} {date} {yyyy} {MM} {dd} {HH} {field:a.b} {file}",
    ),
  gzip: z.boolean().default(false).describe("Write .ndjson.gz objects"),
  maxObjectBytes: byteSize()
    .default(8 * 1024 * 1024)
    .describe("Largest object (uncompressed bytes); the batch size limit"),
  maxObjectAge: duration()
    .default(60_000)
    .describe("Longest time records wait before their object is written"),
});
export type FileDestinationConfig = z.output<typeof fileDestinationConfig>;
