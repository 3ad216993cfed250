/**
 * Wires a configuration into running parts: one `DestinationRuntime` per destination used, one `Lane` per SIEM
 * mapping and one `SourceRunner` per source that has a mapping (docs/architecture.md, "A record's path").
 */
import type { LoadedConfig } from "../config/load.js";
import type { EngineMetrics } from "../metrics.js";
import { rulesPrefilter } from "../rules/index.js";
import type { Logger } from "../sdk/types.js";
import type { StateStore } from "../state/interfaces.js";
import { DestinationRuntime } from "./destination-runtime.js";
import { SourceRunner } from "./ingest.js";
import { Lane } from "./lane.js";
import type { Notifier } from "./notifier.js";
import { pluginContext } from "./plugin-context.js";
import { RecentRecords } from "./recent.js";

/** Recently buffered records kept parsed per source for the lanes (see recent.ts). */
const RECENT_RECORDS = 20_000;

/**
 * The parts of a run. Filled in place, so that when creating one plugin instance throws, the run still
 * closes the instances created before it.
 */
export interface Pipeline {
  destinations: Map<string, DestinationRuntime>;
  lanes: Lane[];
  runners: SourceRunner[];
}

export interface PipelineDeps {
  config: LoadedConfig;
  logger: Logger;
  metrics: EngineMetrics;
  store: StateStore;
  notifier: Notifier;
  now: () => number;
  once: boolean;
  /** Aborted when sources must stop pulling; plugin contexts carry it. */
  signal: AbortSignal;
  shutdownTimeoutMs: number;
  /** True once every source has finished: lanes drain and stop. */
  ingestDone: () => boolean;
  /** Why sources must pause now (see pressure.ts). */
  pressure: () => string | undefined;
}

export function emptyPipeline(): Pipeline {
  return { destinations: new Map(), lanes: [], runners: [] };
}

/** Creates every destination, lane and source runner of the configuration into `pipeline`. */
export async function wirePipeline(pipeline: Pipeline, deps: PipelineDeps): Promise<void> {
  const recent = new Map<string, RecentRecords>();
  for (const name of deps.config.sources.keys())
    recent.set(name, new RecentRecords(await deps.store.buffer.lastSeq(name), RECENT_RECORDS));
  addLanes(pipeline, deps, recent);
  addRunners(pipeline, deps, recent);
}

function addLanes(pipeline: Pipeline, deps: PipelineDeps, recent: Map<string, RecentRecords>): void {
  const { store, metrics, logger, now, notifier } = deps;
  for (const m of deps.config.siemMappings) {
    const dest = pipeline.destinations.get(m.destination) ?? addDestination(pipeline, deps, m.destination);
    pipeline.lanes.push(
      new Lane(m, dest, {
        store,
        metrics,
        logger,
        now,
        ingestDone: deps.ingestDone,
        recent: recent.get(m.source)!,
        waitForData: (ms, signal) => notifier.wait(ms, signal),
      }),
    );
  }
}

function addDestination(pipeline: Pipeline, deps: PipelineDeps, name: string): DestinationRuntime {
  const { config, metrics } = deps;
  const dc = config.destinations.get(name)!;
  const ctx = pluginContext(config, dc.name, "destination", deps);
  const dest = new DestinationRuntime(dc, dc.plugin.create(dc.options, ctx), ctx.logger, (paused) =>
    metrics.destinationState.set({ destination: dc.name }, paused ? 1 : 0),
  );
  metrics.destinationState.set({ destination: dc.name }, 0);
  pipeline.destinations.set(name, dest);
  return dest;
}

function addRunners(pipeline: Pipeline, deps: PipelineDeps, recent: Map<string, RecentRecords>): void {
  const { config, store, metrics, logger, now, notifier } = deps;
  for (const sc of config.sources.values()) {
    const sourceLanes = pipeline.lanes.filter((l) => l.config.source === sc.name);
    if (sourceLanes.length === 0) {
      logger.warn({ source: sc.name }, "source has no SIEM mapping; it is not pulled");
      continue;
    }
    const ctx = pluginContext(config, sc.name, "source", deps);
    const prefilter = sc.core.prefilter
      ? rulesPrefilter(sourceLanes.map((l) => l.config.rule.node))
      : undefined;
    if (prefilter) ctx.prefilter = prefilter;
    const instance = sc.plugin.create(sc.options, ctx);
    pipeline.runners.push(
      new SourceRunner(sc, instance, sourceLanes, {
        store,
        metrics,
        logger,
        now,
        pressure: deps.pressure,
        recent: recent.get(sc.name)!,
        notify: () => notifier.notify(),
        shutdownTimeoutMs: deps.shutdownTimeoutMs,
      }),
    );
  }
}

/**
 * Drops from the buffer what every lane of a source has committed, and updates the backlog and buffer
 * metrics.
 */
export async function pruneBuffer(
  pipeline: Pipeline,
  store: StateStore,
  metrics: EngineMetrics,
): Promise<void> {
  for (const runner of pipeline.runners) {
    const own = pipeline.lanes.filter((l) => l.config.source === runner.config.name);
    const upTo = Math.min(...own.map((l) => l.committedSeq));
    if (Number.isFinite(upTo) && upTo > 0) await store.buffer.prune(runner.config.name, upTo);
  }
  for (const lane of pipeline.lanes) {
    metrics.backlog.set(
      { siem_mapping: lane.name },
      await store.buffer.countAfter(lane.config.source, lane.committedSeq),
    );
  }
  metrics.bufferBytes.set(store.buffer.sizeBytes());
}
