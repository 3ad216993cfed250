/**
 * The CLI commands plugin packages contribute (see sdk/command.ts). Their names and descriptions come from each
 * bundled package's manifest, so `logshipper --help` lists them without importing anything; a package is
 * imported only when the command line names one of its commands, and then its definitions are registered.
 */
import { Command, Option } from "commander";
import {
  BUNDLED_PACKAGES,
  bundledManifest,
  importBundled,
  type PackageManifest,
} from "../config/packages.js";
import { createLogger, Redactor } from "../log.js";
import {
  COMMAND_USAGE_EXIT,
  isRunnableCommand,
  type CommandContext,
  type CommandDefinition,
  type LoadDestinationRequest,
  type PluginCommand,
} from "../sdk/command.js";
import { CliError, EXIT_USAGE, load } from "./context.js";

/** The words of the command line before its first option (`help lake` asks about `lake`). */
function commandWords(argv: string[]): string[] {
  const words: string[] = [];
  for (const arg of argv.slice(2)) {
    if (arg.startsWith("-")) break;
    words.push(arg);
  }
  return words[0] === "help" ? words.slice(1) : words;
}

/** The command of `parent` named `word`, made (with this description) when it does not exist yet. */
function subcommand(parent: Command, word: string, description: string | undefined): Command {
  const existing = parent.commands.find((c) => c.name() === word);
  if (existing) return existing;
  const made = parent.command(word);
  if (description !== undefined) made.description(description);
  return made;
}

function isPluginCommand(value: unknown): value is PluginCommand {
  const v = value as Partial<PluginCommand> | null;
  return !!v && Array.isArray(v.name) && v.name.length > 0 && typeof v.description === "string";
}

/** Register a package's imported `commands`: groups first, so each command finds its parent described. */
function registerDefinitions(program: Command, commands: PluginCommand[]): void {
  const sorted = [...commands].sort((a, b) => a.name.length - b.name.length);
  for (const def of sorted) {
    let parent = program;
    for (const word of def.name.slice(0, -1)) parent = subcommand(parent, word, undefined);
    const cmd = subcommand(parent, def.name[def.name.length - 1]!, def.description);
    cmd.description(def.description);
    if (!isRunnableCommand(def)) continue;
    for (const o of def.options ?? []) {
      const option = new Option(o.flags, o.description);
      if (o.required) option.makeOptionMandatory();
      if (o.default !== undefined) option.default(o.default);
      cmd.addOption(option);
    }
    cmd.action((options: Record<string, unknown>) => runPluginCommand(def, options));
  }
}

/**
 * Add every bundled package's commands to `program`, after core's own (a plugin cannot replace those): in full
 * for the package whose command the command line names, by name and description for the others.
 */
export async function addPluginCommands(program: Command, argv: string[]): Promise<void> {
  const [first] = commandWords(argv);
  const baseDir = process.cwd();
  const builtIn = new Set(program.commands.map((c) => c.name()));
  for (const pkg of BUNDLED_PACKAGES) {
    const manifest = bundledManifest(pkg, baseDir);
    const listed = (manifest?.commands ?? []).filter((c) => c.name[0] && !builtIn.has(c.name[0]));
    if (listed.length === 0) continue;
    if (first !== undefined && listed.some((c) => c.name[0] === first)) {
      const defs = await importedCommands(pkg, manifest!, baseDir);
      registerDefinitions(
        program,
        defs.filter((d) => !builtIn.has(d.name[0]!)),
      );
      continue;
    }
    // Not asked for: its top-level names only, for the program's help.
    for (const c of listed) if (c.name.length === 1) subcommand(program, c.name[0]!, c.description);
  }
}

async function importedCommands(pkg: string, manifest: PackageManifest, baseDir: string) {
  let module: Record<string, unknown>;
  try {
    module = await importBundled(pkg, manifest, baseDir);
  } catch (error) {
    throw new CliError(`${pkg} is not installed: ${(error as Error).message}`);
  }
  const commands = Array.isArray(module.commands) ? (module.commands as unknown[]) : [];
  return commands.filter(isPluginCommand);
}

/** The context a command runs with; `redactor` learns a configuration's secrets when one is loaded. */
function commandContext(redactor: Redactor, signal: AbortSignal): CommandContext {
  return {
    print: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(redactor.redact(`${line}\n`)),
    logger: createLogger({ redactor }),
    signal,
    loadDestination: async (request: LoadDestinationRequest) => {
      const loaded = await load(request.configFile);
      redactor.add(loaded.config.secrets);
      const dc = loaded.config.destinations.get(request.name);
      if (!dc) throw new CliError(`no destination named "${request.name}"`, EXIT_USAGE);
      if (dc.plugin.name !== request.plugin)
        throw new CliError(
          `destination "${request.name}" is a ${dc.plugin.name}, not a ${request.plugin}`,
          EXIT_USAGE,
        );
      return dc.options;
    },
  };
}

/** Run a plugin's command: SIGINT / SIGTERM abort it; a usage error it throws exits 2, redacted. */
async function runPluginCommand(def: CommandDefinition, options: Record<string, unknown>): Promise<void> {
  const redactor = new Redactor();
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await def.run(options, commandContext(redactor, controller.signal));
  } catch (error) {
    if ((error as { exitCode?: number }).exitCode === COMMAND_USAGE_EXIT)
      throw new CliError(redactor.redact((error as Error).message), EXIT_USAGE);
    throw error;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
