/**
 * `logshipper lake query`: the validation step after setting up a CloudTrail Lake destination. Core owns the
 * command line; `@logshipper/plugin-cloudtrail-lake` owns what the command does, and is loaded only here.
 */
import { BUNDLED_PACKAGES } from "../config/registry.js";
import { Redactor } from "../log.js";
import { CliError, EXIT_USAGE, load } from "./context.js";

const PACKAGE = "@logshipper/plugin-cloudtrail-lake";

interface LakeModule {
  lakeQueryCommand(args: {
    eventDataStore: string;
    since?: string | undefined;
    sql?: string | undefined;
    destination?: unknown;
    region?: string | undefined;
    endpoint?: string | undefined;
    signal: AbortSignal;
    print: (line: string) => void;
    log?: (line: string) => void;
  }): Promise<unknown>;
}

export interface LakeQueryOptions {
  eventDataStore: string;
  since?: string;
  sql?: string;
  config?: string;
  destination?: string;
  region?: string;
  endpoint?: string;
}

export async function lakeQueryCommand(options: LakeQueryOptions): Promise<void> {
  if (!BUNDLED_PACKAGES.includes(PACKAGE)) throw new Error(`${PACKAGE} is not a bundled package`);
  let redactor = new Redactor();
  let destination: unknown;
  if (options.destination) {
    const loaded = await load(options.config);
    redactor = loaded.redactor;
    const dc = loaded.config.destinations.get(options.destination);
    if (!dc) throw new CliError(`no destination named "${options.destination}"`, EXIT_USAGE);
    if (dc.plugin.name !== "cloudtrail-lake")
      throw new CliError(
        `destination "${options.destination}" is a ${dc.plugin.name}, not a cloudtrail-lake`,
        EXIT_USAGE,
      );
    destination = dc.options;
  }
  let mod: LakeModule;
  try {
    mod = (await import(PACKAGE)) as LakeModule;
  } catch (error) {
    throw new CliError(`${PACKAGE} is not installed: ${(error as Error).message}`);
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await mod.lakeQueryCommand({
      eventDataStore: options.eventDataStore,
      since: options.since,
      sql: options.sql,
      destination,
      region: options.region,
      endpoint: options.endpoint,
      signal: controller.signal,
      print: (line) => process.stdout.write(`${line}\n`),
      log: (line) => process.stderr.write(redactor.redact(`${line}\n`)),
    });
  } catch (error) {
    if ((error as { exitCode?: number }).exitCode === EXIT_USAGE)
      throw new CliError(redactor.redact((error as Error).message), EXIT_USAGE);
    throw error;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
