/**
 * The `logshipper lake query` command, for core's CLI to call (core owns the command line; this package owns
 * what the command does):
 *
 *   logshipper lake query --event-data-store ID [--since TIME] [--sql "..."] [-c FILE --destination NAME]
 *
 * With `--destination`, the query uses that `cloudtrail-lake` destination's region, credentials (static keys,
 * profile, roleArn) and `controlEndpoint`; without it, the AWS default chain and the region of `--region`, of the
 * event data store ARN, or of AWS_REGION / AWS_DEFAULT_REGION.
 */
import { parseDuration } from "@logshipper/core/sdk";
import { parseChannelArn, parseEventDataStore } from "./arn.js";
import type { CloudTrailLakeConfig } from "./config.js";
import { createControlClient } from "./control.js";
import { credentialProvider } from "./credentials.js";
import { QueryUsageError } from "./errors.js";
import { runLakeQuery, type LakeQueryOptions, type LakeQuerySummary } from "./lake-query.js";

export interface LakeQueryCommandArgs {
  /** `--event-data-store`: ID or ARN. */
  eventDataStore: string;
  /** `--since`: an ISO 8601 time, a date (UTC), or a duration back from now (`90m`, `6h`, `7d`). */
  since?: string | undefined;
  /** `--sql`: the whole statement. */
  sql?: string | undefined;
  /** The parsed options of the destination named by `--destination` (core checks it is a `cloudtrail-lake`). */
  destination?: CloudTrailLakeConfig | undefined;
  /** `--region`. */
  region?: string | undefined;
  /** `--endpoint`: CloudTrail endpoint override (default: the destination's controlEndpoint). */
  endpoint?: string | undefined;
  signal: AbortSignal;
  /** stdout: one JSON row per line. */
  print: (line: string) => void;
  /** stderr: progress and summary. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Waits between DescribeQuery calls (tests). */
  sleep?: LakeQueryOptions["sleep"];
}

/** `--since` as ms since the epoch. */
export function parseSince(text: string, now: number): number {
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? Date.parse(`${text}T00:00:00Z`)
    : /(Z|[+-]\d{2}:?\d{2})$/i.test(text)
      ? Date.parse(text)
      : Number.NaN;
  if (Number.isNaN(time)) {
    throw new QueryUsageError(
      `--since ${JSON.stringify(text)}: expected a duration (6h, 7d), a date (2025-11-22) or an ISO time with a zone`,
    );
  }
  return time;
}

function resolveRegion(args: LakeQueryCommandArgs): string {
  const env = args.env ?? process.env;
  const dest = args.destination;
  const region =
    args.region ??
    dest?.region ??
    (dest ? parseChannelArn(dest.channelArn)?.region : undefined) ??
    parseEventDataStore(args.eventDataStore)?.region ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new QueryUsageError(
      "no region: give --region, a --destination, an event data store ARN, or set AWS_REGION",
    );
  }
  return region;
}

export async function lakeQueryCommand(args: LakeQueryCommandArgs): Promise<LakeQuerySummary> {
  const now = args.now ?? Date.now;
  const since = args.since !== undefined ? parseSince(args.since, now()) : undefined;
  if (since !== undefined && args.sql !== undefined)
    throw new QueryUsageError("give --since or --sql, not both (write the time condition in the SQL)");
  const region = resolveRegion(args);
  const dest = args.destination;
  const client = createControlClient({
    region,
    credentials: credentialProvider(dest ?? { roleSessionName: "logshipper" }, region),
    endpoint: args.endpoint ?? dest?.controlEndpoint,
    fips: dest?.fips ?? false,
    dualstack: dest?.dualstack ?? false,
    timeoutMs: dest?.timeout ?? 30_000,
    maxAttempts: 3,
  });
  try {
    return await runLakeQuery({
      client,
      eventDataStore: args.eventDataStore,
      since,
      sql: args.sql,
      signal: args.signal,
      print: args.print,
      ...(args.log !== undefined && { log: args.log }),
      ...(args.sleep !== undefined && { sleep: args.sleep }),
      now,
    });
  } finally {
    client.destroy();
  }
}
