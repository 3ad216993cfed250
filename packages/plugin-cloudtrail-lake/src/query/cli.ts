/**
 * The `logshipper lake query` command, contributed to core's CLI through the SDK's command type (core owns the
 * command line: flags, configuration loading, redaction, exit codes; this package owns what the command does):
 *
 *   logshipper lake query --event-data-store ID [--since TIME] [--sql "..."] [-c FILE --destination NAME]
 *
 * With `--destination`, the query uses that `cloudtrail-lake` destination's region, credentials (static keys,
 * profile, roleArn) and `controlEndpoint`; without it, the AWS default chain and the region of `--region`, of the
 * event data store ARN, or of AWS_REGION / AWS_DEFAULT_REGION.
 */
import { defineCommand, defineCommandGroup, parseDuration, type PluginCommand } from "@logshipper/core/sdk";
import { parseChannelArn, parseEventDataStore } from "../arn.js";
import type { CloudTrailLakeConfig } from "../config.js";
import { createControlClient } from "../control.js";
import { credentialProvider } from "../credentials.js";
import { QueryUsageError } from "../errors.js";
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

/** The flags of `lake query`, as core's CLI parses them. */
interface LakeQueryFlags {
  eventDataStore: string;
  since?: string;
  sql?: string;
  config?: string;
  destination?: string;
  region?: string;
  endpoint?: string;
}

const lakeGroup = defineCommandGroup({
  name: ["lake"],
  description: "AWS CloudTrail Lake (the cloudtrail-lake destination)",
});

const lakeQuery = defineCommand<LakeQueryFlags>({
  name: ["lake", "query"],
  description:
    "run a Lake query (StartQuery, wait, GetQueryResults) and print the rows, one JSON object per line",
  options: [
    { flags: "--event-data-store <id>", description: "event data store ID or ARN", required: true },
    {
      flags: "--since <time>",
      description: "only events after this: an ISO time, a date (UTC), or a duration back (6h, 7d)",
    },
    { flags: "--sql <statement>", description: "the whole SQL statement instead of the default SELECT" },
    { flags: "-c, --config <file>", description: "configuration that names the destination" },
    {
      flags: "--destination <name>",
      description: "use this cloudtrail-lake destination's region and credentials",
    },
    {
      flags: "--region <region>",
      description: "AWS region (default: from the event data store ARN or the environment)",
    },
    { flags: "--endpoint <url>", description: "CloudTrail endpoint override" },
  ],
  async run(flags, ctx) {
    const destination = flags.destination
      ? ((await ctx.loadDestination({
          configFile: flags.config,
          name: flags.destination,
          plugin: "cloudtrail-lake",
        })) as CloudTrailLakeConfig)
      : undefined;
    await lakeQueryCommand({
      eventDataStore: flags.eventDataStore,
      since: flags.since,
      sql: flags.sql,
      destination,
      region: flags.region,
      endpoint: flags.endpoint,
      signal: ctx.signal,
      print: (line) => ctx.print(line),
      log: (line) => ctx.log(line),
    });
  },
});

/** The commands this package adds to `logshipper` (listed, by name and description, in its package.json). */
export const commands: PluginCommand[] = [lakeGroup, lakeQuery];
