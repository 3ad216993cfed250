import fs from "node:fs";
import { compileMapping, mapRecord } from "../mapping/index.js";
import { compileRule } from "../rules/index.js";
import type { DestinationPluginDefinition } from "../sdk/types.js";
import { loadRegistry } from "../config/registry.js";
import { CliError, cliRedactor, EXIT_RUNTIME, EXIT_USAGE, load } from "./context.js";
import { readInputRecords, type InputOptions } from "./input.js";

function inputOptions(o: InputOptions): InputOptions {
  const out: InputOptions = {};
  if (o.type) out.type = o.type;
  if (o.subtypeField) out.subtypeField = o.subtypeField;
  if (o.idField) out.idField = o.idField;
  if (o.timeField) out.timeField = o.timeField;
  if (o.format) out.format = o.format;
  return out;
}

/**
 * The records of `--input`. A path that names no file is refused: the file source would read it as an empty
 * match and report "0 of 0 matched", which a script cannot tell from a real answer.
 */
async function readInput(options: InputOptions & { input: string }) {
  try {
    fs.statSync(options.input);
  } catch (error) {
    throw new CliError(`cannot read --input ${options.input}: ${(error as Error).message}`, EXIT_USAGE);
  }
  return readInputRecords(options.input, inputOptions(options));
}

export async function ruleTestCommand(
  query: string,
  options: InputOptions & { input: string },
): Promise<void> {
  let predicate;
  try {
    predicate = compileRule(query);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_USAGE);
  }
  const { records, rejects } = await readInput(options);
  let matched = 0;
  for (const record of records) {
    if (!predicate(record)) continue;
    matched++;
    process.stdout.write(`${JSON.stringify(record.data)}\n`);
  }
  for (const r of rejects) process.stderr.write(`malformed: ${r.origin}: ${r.reason}\n`);
  process.stderr.write(`${matched} of ${records.length} record(s) matched; ${rejects.length} malformed\n`);
}

async function findDestinationPlugin(
  name: string,
  configFile: string | undefined,
): Promise<DestinationPluginDefinition> {
  if (configFile) {
    const { config } = await load(configFile);
    const dest = config.destinations.get(name);
    if (!dest) throw new CliError(`no destination named "${name}" in ${configFile}`, EXIT_USAGE);
    return dest.plugin;
  }
  const registry = await loadRegistry([], process.cwd(), []);
  const plugin = registry.destinations.get(name);
  if (!plugin)
    throw new CliError(
      `no destination plugin "${name}" (give -c FILE to name a configured destination); plugins: ${[...registry.destinations.keys()].join(", ")}`,
      EXIT_USAGE,
    );
  return plugin;
}

export async function mappingTestCommand(
  file: string,
  options: InputOptions & { input: string; destination?: string; config?: string },
): Promise<void> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT_USAGE);
  }
  const mapping = compileMapping(text, file);
  const plugin = options.destination
    ? await findDestinationPlugin(options.destination, options.config)
    : undefined;
  const { records, rejects } = await readInput(options);
  let failed = 0;
  for (const record of records) {
    try {
      const { value } = await mapRecord(mapping, record);
      const check = plugin?.outputSchema?.safeParse(value);
      if (check && !check.success) {
        throw new Error(
          `output does not satisfy ${plugin?.name}: ` +
            check.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
        );
      }
      process.stdout.write(`${JSON.stringify(check?.success ? check.data : value)}\n`);
    } catch (error) {
      failed++;
      // With -c, a configuration's secrets are known: a failure's message never shows them.
      process.stderr.write(cliRedactor.redact(`record ${record.id}: ${(error as Error).message}\n`));
    }
  }
  for (const r of rejects) process.stderr.write(`malformed: ${r.origin}: ${r.reason}\n`);
  process.stderr.write(
    `${records.length - failed} of ${records.length} record(s) mapped; ${failed} failed; ${rejects.length} malformed\n` +
      `reads: ${mapping.readsAll ? "the whole input (no field is unmapped)" : [...mapping.readPaths].join(", ")}\n`,
  );
  if (failed > 0) process.exitCode = EXIT_RUNTIME;
}
