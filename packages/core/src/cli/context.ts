/** Shared CLI plumbing: loading the configuration, the redacting logger, exit codes. */
import path from "node:path";
import { ConfigError } from "../config/errors.js";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { createLogger, Redactor } from "../log.js";
import type { Logger } from "../sdk/types.js";

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

/** An error the CLI reports in one line, with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_RUNTIME,
  ) {
    super(message);
  }
}

export const DEFAULT_CONFIG = "logshipper.yaml";

export interface Loaded {
  config: LoadedConfig;
  logger: Logger;
  redactor: Redactor;
}

/**
 * Knows the secrets of every configuration a command has loaded: `main.ts` reports the errors that escape a
 * command with it, since a remote failure may echo a credential (a token in an error answer).
 */
export const cliRedactor = new Redactor();

export async function load(configFile: string | undefined): Promise<Loaded> {
  const config = await loadConfig(configFile ?? DEFAULT_CONFIG);
  cliRedactor.add(config.secrets);
  const redactor = new Redactor(config.secrets);
  const logger = createLogger({ config: config.name, redactor });
  return { config, logger, redactor };
}

/** Print an error the way users should see it and return the exit code. */
export function reportError(error: unknown, redactor: Redactor = cliRedactor): number {
  if (error instanceof ConfigError) {
    process.stderr.write(
      redactor.redact(
        `error: invalid configuration ${path.relative(process.cwd(), error.file) || error.file}\n`,
      ),
    );
    for (const issue of error.issues)
      process.stderr.write(redactor.redact(`  ${issue.path}: ${issue.message}\n`));
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    process.stderr.write(redactor.redact(`error: ${error.message}\n`));
    return error.exitCode;
  }
  const e = error as { code?: string; message?: string; stack?: string };
  process.stderr.write(
    redactor.redact(`error: ${e.code ? `[${e.code}] ` : ""}${e.message ?? String(error)}\n`),
  );
  if (process.env.LOGSHIPPER_DEBUG) process.stderr.write(redactor.redact(`${e.stack ?? ""}\n`));
  return EXIT_RUNTIME;
}
