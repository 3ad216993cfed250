/**
 * CLI commands a plugin package contributes (`logshipper lake query`, ...). Core owns the command line: it parses
 * the flags, loads configurations, redacts, maps errors to exit codes; the plugin says what the command does.
 *
 * A package exports its commands as `commands` (from the same entry as its `plugins`) and lists each name and
 * description in its package.json (`logshipper.commands`), so `logshipper --help` shows them without importing
 * the package; core imports it only when its command is run (or its help asked for).
 */
import type { Logger } from "./types.js";

/** Exit code of a usage error: a command throws an error with `exitCode: COMMAND_USAGE_EXIT` for one. */
export const COMMAND_USAGE_EXIT = 2;

/** One option, commander style: `flags` like `"--since <time>"`, `"-c, --config <file>"`, `"--json"`. */
export interface CommandOptionDefinition {
  flags: string;
  description: string;
  /** The option must be given (commander's `requiredOption`). */
  required?: boolean;
  default?: string | boolean;
}

/** A named destination of a configuration, as core's loader parsed and validated it. */
export interface LoadDestinationRequest {
  /** `-c FILE`; default `logshipper.yaml`. */
  configFile?: string | undefined;
  /** The destination's name in the configuration. */
  name: string;
  /** The plugin it must be (`cloudtrail-lake`): anything else is a usage error. */
  plugin: string;
}

/** What core gives a running command. */
export interface CommandContext {
  /** Writes one line to stdout (the command's output: rows, JSON). */
  print(line: string): void;
  /** Writes one line to stderr (progress, summary), with every secret of a loaded configuration redacted. */
  log(line: string): void;
  /** A structured logger to stderr, redacted like `log`. */
  logger: Logger;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  /**
   * Loads the configuration and returns the parsed options of one of its destinations; its secrets are redacted
   * from `log` and `logger` from then on. Throws a usage error when there is no such destination or it is
   * another plugin, and the configuration's own error when the file is invalid.
   */
  loadDestination(request: LoadDestinationRequest): Promise<unknown>;
}

/** A group of commands (`lake`): only a description; its commands name it as the first part of their name. */
export interface CommandGroupDefinition {
  /** The command's words: `["lake"]`, `["lake", "query"]`. */
  name: readonly string[];
  description: string;
}

export interface CommandDefinition<Options = Record<string, unknown>> extends CommandGroupDefinition {
  options?: readonly CommandOptionDefinition[];
  /** `options` holds the parsed flags by camel-cased name (`--event-data-store` is `eventDataStore`). */
  run(options: Options, ctx: CommandContext): Promise<void>;
}

/** What a package's `commands` export holds. */
export type PluginCommand = CommandDefinition | CommandGroupDefinition;

/** Declare a command. The identity function gives integrators type inference for `run(options)`. */
export function defineCommand<Options>(def: CommandDefinition<Options>): CommandDefinition<Options> {
  return def;
}

/** Declare a command group. */
export function defineCommandGroup(def: CommandGroupDefinition): CommandGroupDefinition {
  return def;
}

/** True for a command (it runs), false for a group. */
export function isRunnableCommand(command: PluginCommand): command is CommandDefinition {
  return typeof (command as Partial<CommandDefinition>).run === "function";
}
