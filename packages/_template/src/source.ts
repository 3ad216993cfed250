/**
 * The `template` source: pulls pages from `GET url?cursor=X`, which answers `{"records": [...], "next": "Y"}`,
 * or `"next": null` on the last page for now.
 *
 * The contract with core:
 * - `pull(checkpoint)` yields batches after `checkpoint` (undefined on the first run) and returns when there is
 *   nothing more for now; core pulls again after the source's `interval`.
 * - Each batch carries the checkpoint that is true once its records are stored: core appends the records to the
 *   durable buffer and commits that checkpoint in one transaction. Resuming from it yields exactly the records
 *   after it: nothing lost, nothing twice.
 * - Input that cannot become a record goes in `rejects`, with its origin; core keeps it as a dead letter.
 * - A failed request throws (classified); core logs it and pulls again later from the last committed checkpoint.
 *
 * The checkpoint is `{cursor, skip}`: the page to read next, and how many of its records were already yielded.
 * `skip` is 0 except on the last page, which may still grow: the next pull reads it again and yields only the
 * records that were added since.
 */
import {
  LogShipperError,
  z,
  type PluginContext,
  type RecordInput,
  type RejectedInput,
  type Source,
} from "@logshipper/core/sdk";
import { TemplateClient } from "./client.js";
import type { TemplateSourceConfig } from "./config.js";
import { ERROR_CODES } from "./error-codes.js";
import { BadResponseError, classify } from "./errors.js";

export interface TemplateCheckpoint {
  /** Cursor of the page to read next; null for the first page. */
  cursor: string | null;
  /** Records of that page already yielded. */
  skip: number;
}

const checkpointSchema = z.object({ cursor: z.string().nullable(), skip: z.number().int().nonnegative() });

/** The API's page. Validating responses with zod gives precise messages when a server misbehaves. */
const pageSchema = z.object({
  records: z.array(z.unknown()),
  next: z.string().nullish(),
});

export function readCheckpoint(checkpoint: unknown): TemplateCheckpoint {
  if (checkpoint === undefined || checkpoint === null) return { cursor: null, skip: 0 };
  const parsed = checkpointSchema.safeParse(checkpoint);
  if (!parsed.success) {
    throw new LogShipperError(
      ERROR_CODES.TEMPLATE_CHECKPOINT,
      `unrecognised checkpoint ${JSON.stringify(checkpoint)}: expected {cursor, skip}`,
    );
  }
  return parsed.data;
}

export function createTemplateSource(config: TemplateSourceConfig, ctx: PluginContext): Source {
  const client = new TemplateClient({ url: config.url, token: config.token, timeoutMs: config.timeout });

  /** The page's address, for messages and origins. */
  const pageUrl = (cursor: string | null): string =>
    cursor === null ? client.display : `${client.display}?cursor=${encodeURIComponent(cursor)}`;

  async function fetchPage(cursor: string | null, signal: AbortSignal): Promise<z.output<typeof pageSchema>> {
    const action = `GET ${pageUrl(cursor)}`;
    try {
      const parsed = pageSchema.safeParse(await client.getJson(cursor === null ? {} : { cursor }, signal));
      if (!parsed.success) {
        const why = parsed.error.issues
          .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
          .join("; ");
        throw new BadResponseError(`not a page of records (${why})`);
      }
      return parsed.data;
    } catch (error) {
      throw classify(error, action, ctx.clock.now());
    }
  }

  return {
    async *pull(checkpoint, signal) {
      let { cursor, skip } = readCheckpoint(checkpoint);
      while (!signal.aborted) {
        const page = await fetchPage(cursor, signal);
        const records: RecordInput[] = [];
        const rejects: RejectedInput[] = [];
        page.records.forEach((data, i) => {
          if (i < skip) return; // yielded by an earlier pull
          const origin = `${pageUrl(cursor)}#records[${i}]`;
          // This API promises objects; anything else cannot be a record. Keep it, with where it came from.
          if (data === null || typeof data !== "object" || Array.isArray(data)) {
            rejects.push({ origin, reason: "a record must be a JSON object", raw: JSON.stringify(data) });
          } else records.push({ data, origin });
        });
        const next = page.next ?? null;
        if (next === null || next === "" || next === cursor) {
          // The last page for now: stay on it, remembering how much of it was read.
          if (page.records.length > skip) {
            yield {
              records,
              rejects,
              checkpoint: { cursor, skip: page.records.length } satisfies TemplateCheckpoint,
            };
          }
          return;
        }
        ctx.logger.debug({ cursor, next, records: records.length, rejects: rejects.length }, "page read");
        // An empty page still moves the cursor: yield it, so that the new checkpoint is committed.
        yield { records, rejects, checkpoint: { cursor: next, skip: 0 } satisfies TemplateCheckpoint };
        cursor = next;
        skip = 0;
      }
    },

    async test() {
      await fetchPage(null, ctx.signal);
    },

    close() {
      client.close(); // idempotent, and safe before any request
      return Promise.resolve();
    },
  };
}
