#!/usr/bin/env node
/**
 * `logshipper` command line (the commands: README.md, "Commands"; the codes: docs/errors.md).
 * Exit codes: 0 success, 1 runtime failure, 2 invalid configuration or usage; `run --once` adds 3, 4 and 5
 * (docs/cli.md, cli/run-outcome.ts).
 */
import { Command, CommanderError, Option } from "commander";
import { cliRedactor, EXIT_USAGE, reportError } from "./context.js";
import { runCommand } from "./run.js";
import { durationArgument } from "./run-outcome.js";
import { validateCommand, testDestinationCommand } from "./validate.js";
import { mappingTestCommand, ruleTestCommand } from "./test-commands.js";
import { pluginsCommand, schemaCommand } from "./plugins.js";
import { addPluginCommands } from "./plugin-commands.js";
import { deadletterListCommand, deadletterReplayCommand, statusCommand } from "./status.js";

// A reader that goes away (`deadletter list | head`) is not an error of ours: instead of dying on an unhandled
// EPIPE with a stack trace, stop quietly with the exit code the command has set. Without its stderr reader a
// run goes on (only the summary is on stdout): its log lines are lost, not its records.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit();
});
process.stderr.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// The AWS SDK warns on every run about Node versions it will stop supporting; that is our concern, not the user's.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const program = new Command();
program
  .name("logshipper")
  .description("Move security alerts and events from sources to SIEMs and data lakes")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const configOption = () => new Option("-c, --config <file>", "configuration file").default("logshipper.yaml");
const inputOptions = (cmd: Command) =>
  cmd
    .requiredOption(
      "--input <file>",
      "data file: ndjson, json, concatenated objects or member lines, gzip or not",
    )
    .option("--format <format>", "auto, ndjson, json, concatenated, members", "auto")
    .option("--type <type>", "record type ($type)", "event")
    .option("--subtype-field <path>", "field holding the subtype ($subtype)")
    .option("--id-field <path>", "field holding the event id ($id)")
    .option("--time-field <path>", "field holding the event time ($time)");

program
  .command("run")
  .description("run the pipelines of a configuration")
  .addOption(configOption())
  .option(
    "--once",
    "pull every source until it has nothing more, deliver everything, print a summary and exit",
  )
  .option("--metrics-port <port>", "serve /metrics and /healthz on this port", (v) => Number(v))
  .option(
    "--shutdown-timeout <duration>",
    "time in-flight sends get after SIGTERM (10s; a bare number is ms); then they are cut and stay buffered",
    durationArgument,
    10_000,
  )
  .option(
    "--once-timeout <duration>",
    "--once: stop when nothing was delivered for this long (5m); exit 4 with what is undelivered",
    durationArgument,
  )
  .addOption(
    new Option("--heap <mode>", "compact: bounded V8 heap headroom (less memory); default: V8's own sizing")
      .choices(["compact", "default"])
      .default("compact"),
  )
  .action(runCommand);

program
  .command("validate")
  .description("check a configuration: schema, plugin options, rules, mappings, references")
  .addOption(configOption())
  .option("--connect", "also test every source and destination (credentials, bucket, channel)")
  .action(validateCommand);

program
  .command("test-destination")
  .description("send one test message to a destination")
  .argument("<name>", "destination name in the configuration")
  .addOption(configOption())
  .action(testDestinationCommand);

const rule = program.command("rule").description("business rules");
inputOptions(
  rule
    .command("test")
    .description("print the records of a file that a rule matches, and counts")
    .argument("<query>", "rule text, Cloud Exchange syntax"),
).action(ruleTestCommand);

const mapping = program.command("mapping").description("SIEM mappings");
inputOptions(
  mapping
    .command("test")
    .description("print what a JSONata mapping makes of each record of a file, validated")
    .argument("<file>", "mapping file (.jsonata)")
    .option(
      "--destination <name>",
      "validate against this destination's output schema (name in -c, or a plugin type)",
    )
    .option("-c, --config <file>", "configuration that names the destination"),
).action(mappingTestCommand);

program
  .command("plugins")
  .description("plugin types and their options")
  .option("--json", "machine-readable")
  .option("-c, --config <file>", "also list the plugins this configuration loads with `plugins:`")
  .action(pluginsCommand);

program
  .command("status")
  .description("checkpoints, backlog per SIEM mapping, dead letters")
  .addOption(configOption())
  .option("--json", "machine-readable")
  .action(statusCommand);

const dead = program.command("deadletter").description("records kept because they could not be delivered");
dead
  .command("list")
  .addOption(configOption())
  .option("--limit <n>", "at most this many", (v) => Number(v), 100)
  .option("--json", "one JSON object per line, payload included")
  .action(deadletterListCommand);
dead
  .command("replay")
  .description("put dead-lettered records back into the buffer (malformed input cannot be replayed)")
  .addOption(configOption())
  .option("--id <ids...>", "dead letter ids (default: all replayable)")
  .action(deadletterReplayCommand);

program
  .command("schema")
  .description("JSON Schema of the configuration file, for editors")
  .option("-c, --config <file>", "include the plugins this configuration loads with `plugins:`")
  .action(schemaCommand);

try {
  // Plugin packages' commands (`lake query`, ...), after core's own.
  await addPluginCommands(program, process.argv);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    process.exitCode = reportError(error, cliRedactor);
  }
}
