import { EngineMetrics } from "../metrics.js";
import { openState, pluginContext } from "../engine/engine.js";
import type { Loaded } from "./context.js";
import { CliError, EXIT_RUNTIME, EXIT_USAGE, load } from "./context.js";

function summaryLine({ config }: Loaded): string {
  return (
    `ok: ${config.sources.size} source(s), ${config.destinations.size} destination(s), ` +
    `${config.rules.size} rule(s) (All included), ${config.siemMappings.length} SIEM mapping(s)`
  );
}

/** Build plugin instances with a real context, for --connect and test-destination. */
function contexts(loaded: Loaded) {
  const store = openState(loaded.config);
  const controller = new AbortController();
  const deps = {
    logger: loaded.logger,
    metrics: new EngineMetrics(),
    store,
    signal: controller.signal,
    once: true,
    now: Date.now,
  };
  return { store, controller, deps };
}

export async function validateCommand(options: { config: string; connect?: boolean }): Promise<void> {
  const loaded = await load(options.config);
  const { config, redactor } = loaded;
  process.stdout.write(`${summaryLine(loaded)}\n`);
  if (!options.connect) return;
  const { store, deps } = contexts(loaded);
  let failures = 0;
  const check = async (label: string, test: (() => Promise<string | void>) | undefined) => {
    if (!test) {
      process.stdout.write(`  ${label}: no connectivity check for this plugin\n`);
      return;
    }
    try {
      const detail = await test();
      process.stdout.write(redactor.redact(`  ${label}: ok${detail ? ` (${detail})` : ""}\n`));
    } catch (error) {
      failures++;
      const e = error as { code?: string; message?: string };
      process.stdout.write(
        redactor.redact(`  ${label}: FAILED ${e.code ? `[${e.code}] ` : ""}${e.message ?? String(error)}\n`),
      );
    }
  };
  try {
    for (const sc of config.sources.values()) {
      const instance = sc.plugin.create(sc.options, pluginContext(config, sc.name, "source", deps));
      await check(`source ${sc.name}`, instance.test ? () => instance.test!() : undefined);
      await instance.close?.();
    }
    for (const dc of config.destinations.values()) {
      const instance = dc.plugin.create(dc.options, pluginContext(config, dc.name, "destination", deps));
      // --connect checks access; a destination that sends a test message does so only on test-destination.
      const probe = instance.check
        ? () => instance.check!()
        : instance.test
          ? () => instance.test!()
          : undefined;
      await check(`destination ${dc.name}`, probe);
      await instance.close?.();
    }
  } finally {
    await store.close();
  }
  if (failures > 0) throw new CliError(`${failures} connectivity check(s) failed`, EXIT_RUNTIME);
}

export async function testDestinationCommand(name: string, options: { config: string }): Promise<void> {
  const loaded = await load(options.config);
  const dc = loaded.config.destinations.get(name);
  if (!dc)
    throw new CliError(
      `no destination named "${name}" (have: ${[...loaded.config.destinations.keys()].join(", ") || "none"})`,
      EXIT_USAGE,
    );
  const { store, deps } = contexts(loaded);
  try {
    const instance = dc.plugin.create(dc.options, pluginContext(loaded.config, dc.name, "destination", deps));
    if (!instance.test)
      throw new CliError(`destination plugin ${dc.plugin.name} has no test message`, EXIT_USAGE);
    const detail = await instance.test();
    await instance.flush?.();
    await instance.close?.();
    process.stdout.write(
      loaded.redactor.redact(`test message sent to ${name}${detail ? `: ${detail}` : ""}\n`),
    );
  } finally {
    await store.close();
  }
}
