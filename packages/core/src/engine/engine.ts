/** The engine: wires sources, the durable buffer, lanes (one per SIEM mapping) and destinations together. */
import fs from "node:fs";
import type { LoadedConfig } from "../config/load.js";
import type { Redactor } from "../log.js";
import { EngineMetrics } from "../metrics.js";
import type { Logger, PluginContext } from "../sdk/types.js";
import type { StateStore } from "../state/interfaces.js";
import { openSqliteState } from "../state/sqlite.js";
import { lockState } from "../state/lock.js";
import { ThreadedStateStore } from "../state/threaded.js";
import { rulesPrefilter } from "../rules/index.js";
import { DestinationRuntime } from "./destination-runtime.js";
import { SourceRunner } from "./ingest.js";
import { Lane } from "./lane.js";
import { Notifier } from "./notifier.js";
import { RecentRecords } from "./recent.js";
import { formatSummary, type LaneStats } from "./stats.js";

export interface RunOptions {
  once: boolean;
  /** Ends the run gracefully (SIGTERM, SIGINT). */
  stop?: AbortSignal;
  /** How long in-flight sends may take after a stop before they are interrupted. */
  shutdownTimeoutMs?: number;
  metricsPort?: number;
  now?: () => number;
}

export interface RunSummary {
  mappings: { name: string; stats: LaneStats }[];
  rejected: number;
  sourceFailures: { source: string; error: string }[];
  text: string;
}

const PRUNE_EVERY_MS = 2000;
/** Recently buffered records kept parsed per source for the lanes (see recent.ts). */
const RECENT_RECORDS = 20_000;
const DEDUP_EXPIRY_EVERY_MS = 10 * 60_000;
const DISK_CHECK_EVERY_MS = 5000;

/** The state store for short commands (status, dead letters, validate): SQLite on the calling thread. */
export function openState(config: LoadedConfig): StateStore {
  return openSqliteState({ dir: config.state.dir, sync: config.state.sync });
}

export function pluginContext(
  config: LoadedConfig,
  name: string,
  kind: "source" | "destination",
  deps: {
    logger: Logger;
    metrics: EngineMetrics;
    store: StateStore;
    signal: AbortSignal;
    once: boolean;
    now: () => number;
  },
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

export class Engine {
  readonly metrics = new EngineMetrics();

  constructor(
    readonly config: LoadedConfig,
    readonly logger: Logger,
    readonly redactor: Redactor,
  ) {}

  async run(options: RunOptions): Promise<RunSummary> {
    const { config, logger, metrics } = this;
    const now = options.now ?? Date.now;
    const unlock = lockState(config.state.dir);
    let store: StateStore;
    try {
      // With `state.thread`, SQLite runs on a thread of its own (see state/threaded.ts).
      store = config.state.thread
        ? await ThreadedStateStore.open({ dir: config.state.dir, sync: config.state.sync })
        : openState(config);
    } catch (error) {
      unlock();
      throw error;
    }
    const notifier = new Notifier();
    const sourceStop = new AbortController();
    const laneStop = new AbortController();
    const kill = new AbortController();
    let ingestDone = false;
    const server = options.metricsPort !== undefined ? await metrics.serve(options.metricsPort) : undefined;

    const deps = { logger, metrics, store, signal: sourceStop.signal, once: options.once, now };
    const destinations = new Map<string, DestinationRuntime>();
    const lanes: Lane[] = [];
    const runners: SourceRunner[] = [];
    let diskFree = Infinity;
    let diskCheckedAt = 0;
    const pressure = (): string | undefined => {
      const bytes = store.buffer.sizeBytes();
      if (bytes > config.state.maxBufferBytes)
        return `buffer holds ${bytes} bytes (bound state.maxBufferBytes ${config.state.maxBufferBytes})`;
      if (now() - diskCheckedAt > DISK_CHECK_EVERY_MS) {
        diskCheckedAt = now();
        try {
          const s = fs.statfsSync(config.state.dir);
          diskFree = s.bavail * s.bsize;
        } catch {
          diskFree = Infinity;
        }
      }
      if (diskFree < config.state.minFreeDiskBytes)
        return `state disk has ${diskFree} bytes free (bound state.minFreeDiskBytes ${config.state.minFreeDiskBytes})`;
      return undefined;
    };

    const timers: NodeJS.Timeout[] = [];
    try {
      const recent = new Map<string, RecentRecords>();
      for (const name of config.sources.keys())
        recent.set(name, new RecentRecords(await store.buffer.lastSeq(name), RECENT_RECORDS));
      for (const m of config.siemMappings) {
        let dest = destinations.get(m.destination);
        if (!dest) {
          const dc = config.destinations.get(m.destination)!;
          const ctx = pluginContext(config, dc.name, "destination", deps);
          const plugin = dc.plugin;
          dest = new DestinationRuntime(dc, plugin.create(dc.options, ctx), ctx.logger, (paused) =>
            metrics.destinationState.set({ destination: dc.name }, paused ? 1 : 0),
          );
          metrics.destinationState.set({ destination: dc.name }, 0);
          destinations.set(m.destination, dest);
        }
        lanes.push(
          new Lane(m, dest, {
            store,
            metrics,
            logger,
            now,
            ingestDone: () => ingestDone,
            recent: recent.get(m.source)!,
            waitForData: (ms, signal) => notifier.wait(ms, signal),
          }),
        );
      }
      for (const sc of config.sources.values()) {
        const sourceLanes = lanes.filter((l) => l.config.source === sc.name);
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
        runners.push(
          new SourceRunner(sc, instance, sourceLanes, {
            store,
            metrics,
            logger,
            now,
            pressure,
            recent: recent.get(sc.name)!,
            notify: () => notifier.notify(),
            shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
          }),
        );
      }

      const prune = async () => {
        for (const runner of runners) {
          const own = lanes.filter((l) => l.config.source === runner.config.name);
          const upTo = Math.min(...own.map((l) => l.committedSeq));
          if (Number.isFinite(upTo) && upTo > 0) await store.buffer.prune(runner.config.name, upTo);
        }
        for (const lane of lanes) {
          metrics.backlog.set(
            { siem_mapping: lane.name },
            await store.buffer.countAfter(lane.config.source, lane.committedSeq),
          );
        }
        metrics.bufferBytes.set(store.buffer.sizeBytes());
      };
      const tick = (fn: () => Promise<unknown>, ms: number) =>
        timers.push(
          setInterval(() => {
            fn().catch((error: unknown) =>
              logger.error({ error: (error as Error).message }, "maintenance failed"),
            );
          }, ms).unref(),
        );
      tick(prune, PRUNE_EVERY_MS);
      tick(() => store.expireDedup(now()), DEDUP_EXPIRY_EVERY_MS);
      await store.expireDedup(now());

      const onStop = () => {
        logger.info({}, "stopping: no more pulls; finishing in-flight sends");
        sourceStop.abort();
        laneStop.abort();
        const t = setTimeout(() => kill.abort(), options.shutdownTimeoutMs ?? 10_000);
        t.unref();
      };
      if (options.stop?.aborted) onStop();
      else options.stop?.addEventListener("abort", onStop, { once: true });

      logger.info(
        {
          sources: runners.length,
          destinations: destinations.size,
          siemMappings: lanes.length,
          once: options.once,
        },
        "run started",
      );
      const laneRuns = lanes.map((lane) => lane.run(laneStop.signal, kill.signal));
      const sourceRuns = runners.map((r) => r.run(sourceStop.signal, options.once));
      await Promise.all(sourceRuns);
      ingestDone = options.once || sourceStop.signal.aborted;
      notifier.notify();
      const results = await Promise.allSettled(laneRuns);
      for (const r of results) if (r.status === "rejected") throw r.reason;
      await prune();
      for (const dest of destinations.values()) await dest.instance.flush?.();
    } finally {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([
        ...runners.map((r) => r.instance.close?.()),
        ...[...destinations.values()].map((d) => d.instance.close?.()),
      ]);
      await store.close();
      unlock();
      server?.close();
    }
    const summary: RunSummary = {
      mappings: lanes.map((l) => ({ name: l.name, stats: { ...l.stats } })),
      rejected: runners.reduce((n, r) => n + r.rejected, 0),
      sourceFailures: runners
        .filter((r) => r.failed)
        .map((r) => ({ source: r.config.name, error: this.redactor.redact(r.failed!.message) })),
      text: "",
    };
    summary.text = formatSummary(summary.mappings, { rejected: summary.rejected });
    logger.info(
      {
        summary: summary.mappings,
        rejected: summary.rejected,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      },
      "run finished",
    );
    return summary;
  }
}
