/** The `PluginContext` core hands each source and destination instance (docs/plugin-authoring.md, section 8). */
import type { LoadedConfig } from "../config/load.js";
import type { EngineMetrics } from "../metrics.js";
import type { Logger, PluginContext } from "../sdk/types.js";
import type { StateStore } from "../state/interfaces.js";

export interface PluginContextDeps {
  logger: Logger;
  metrics: EngineMetrics;
  store: StateStore;
  signal: AbortSignal;
  once: boolean;
  now: () => number;
}

/** A context for the instance `name` of `kind`: its logger, metrics, plugin state scope and run mode. */
export function pluginContext(
  config: LoadedConfig,
  name: string,
  kind: "source" | "destination",
  deps: PluginContextDeps,
): PluginContext {
  const scope = `${kind}:${name}`;
  return {
    name,
    logger: deps.logger.child({ [kind]: name }),
    metrics: deps.metrics.forPlugin(name),
    signal: deps.signal,
    clock: { now: deps.now },
    state: { get: (k) => deps.store.pluginGet(scope, k), set: (k, v) => deps.store.pluginSet(scope, k, v) },
    mode: deps.once ? "once" : "continuous",
    baseDir: config.baseDir,
  };
}
