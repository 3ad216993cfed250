/**
 * Options of the `template` destination and source: zod schemas that core validates when the configuration
 * loads, before anything runs. Every problem is reported with its path (`destinations.out.url: ...`).
 *
 * Only the plugin's own options belong here. Core options (`plugin`, `dedup`, `batch`, `retry` for a destination;
 * `recordType`, `idField`, `timeField`, `interval`, ... for a source) are split off by core before this schema
 * sees the object, and any key neither knows is reported as an "unknown option".
 */
import { duration, secret, z } from "@logshipper/core/sdk";

/** `http://` or `https://` URL. */
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/**
 * A bearer token. `secret()` marks it so that core redacts its value from logs, errors, `status` and
 * `plugins` output. Put `.describe()` inside `secret()` and `.optional()` / `.default()` outside it:
 * `.describe()` returns a copy of the schema, and the copy would not carry the mark.
 */
const token = secret(
  z.string().min(1).describe("Bearer token sent as `Authorization: Bearer ...`"),
).optional();

const timeout = duration().default(30_000).describe("Time limit of one HTTP request (default 30s)");

export const templateDestinationConfig = z.object({
  url: httpUrl.describe("Endpoint that receives each batch as one NDJSON POST"),
  token,
  timeout,
});
export type TemplateDestinationConfig = z.output<typeof templateDestinationConfig>;

export const templateSourceConfig = z.object({
  url: httpUrl.describe("Endpoint of the pages: GET url?cursor=X returns {records: [...], next: Y | null}"),
  token,
  timeout,
});
export type TemplateSourceConfig = z.output<typeof templateSourceConfig>;
