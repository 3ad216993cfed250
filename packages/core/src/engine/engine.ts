/** The engine: wires sources, the durable buffer, lanes (one per SIEM mapping) and destinations together. */
import { ERROR_CODES } from "../error-codes.js";
import type { LoadedConfig } from "../config/load.js";
import type { Redactor } from "../log.js";
import { EngineMetrics } from "../metrics.js";
import type { Logger } from "../sdk/types.js";
import type { StateStore } from "../state/interfaces.js";
import { openSqliteState } from "../state/sqlite.js";
import { lockState } from "../state/lock.js";
import { ThreadedStateStore } from "../state/threaded.js";
import { Notifier } from "./notifier.js";
import { serveMetrics } from "./health.js";
import { emptyPipeline, pruneBuffer, wirePipeline, type Pipeline } from "./pipeline.js";
import { bufferPressure } from "./pressure.js";
import { guardOnceRun, DEFAULT_ONCE_TIMEOUT_MS } from "./once-guard.js";
import { formatSummary, type LaneStats } from "./stats.js";

export { pluginContext } from "./plugin-context.js";

export interface RunOptions {
  once: boolean;
  /** Ends the run gracefully (SIGTERM, SIGINT). */
  stop?: AbortSignal;
  /** How long in-flight sends may take after a stop before they are interrupted. */
  shutdownTimeoutMs?: number;
  /** `--once` only: stop when nothing moved for this long (once-guard.ts). */
  onceTimeoutMs?: number;
  metricsPort?: number;
  now?: () => number;
}

export interface RunSummary {
  mappings: { name: string; stats: LaneStats; undelivered: number }[];
  rejected: number;
  sourceFailures: { source: string; error: string }[];
  /** Why the run stopped before it had settled everything (a signal, a paused destination, no progress). */
  stopReason: string | undefined;
  /** `--once`: sources that have never found anything to read (no checkpoint: a path that matches no file). */
  nothingToRead: string[];
  text: string;
}

const PRUNE_EVERY_MS = 2000;
const DEDUP_EXPIRY_EVERY_MS = 10 * 60_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** The state store for short commands (status, dead letters, validate): SQLite on the calling thread. */
export function openState(config: LoadedConfig): StateStore {
  return openSqliteState({ dir: config.state.dir, sync: config.state.sync });
}

/** Takes the state directory's lock and opens the run's store; the lock is released if opening fails. */
async function openRunState(config: LoadedConfig): Promise<{ store: StateStore; unlock: () => void }> {
  const unlock = lockState(config.state.dir);
  try {
    // With `state.thread`, SQLite runs on a thread of its own (see state/threaded.ts).
    const store = config.state.thread
      ? await ThreadedStateStore.open({ dir: config.state.dir, sync: config.state.sync })
      : openState(config);
    return { store, unlock };
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * The three stops of a run: sources stop pulling and lanes stop taking new batches at once; sends still in
 * flight are interrupted (`kill`) only after the shutdown timeout.
 */
interface RunStops {
  sources: AbortController;
  lanes: AbortController;
  kill: AbortController;
}

export class Engine {
  readonly metrics = new EngineMetrics();
  private stopReason: string | undefined;

  constructor(
    readonly config: LoadedConfig,
    readonly logger: Logger,
    readonly redactor: Redactor,
  ) {}

  async run(options: RunOptions): Promise<RunSummary> {
    const now = options.now ?? Date.now;
    const { store, unlock } = await openRunState(this.config);
    let server: Awaited<ReturnType<EngineMetrics["serve"]>> | undefined;
    const stops: RunStops = {
      sources: new AbortController(),
      lanes: new AbortController(),
      kill: new AbortController(),
    };
    const notifier = new Notifier();
    const pipeline = emptyPipeline();
    const timers: NodeJS.Timeout[] = [];
    let ingestDone = false;
    let unguard = () => undefined as void;
    let outcome: RunOutcome = { undelivered: new Map(), nothingToRead: [] };
    let stopRun: ((reason: string) => void) | undefined;
    const onDiskLow = options.once
      ? (reason: string) =>
          stopRun?.(`[${ERROR_CODES.STATE_DISK_LOW}] ${reason}: free space, or lower state.minFreeDiskBytes`)
      : undefined;
    try {
      // Inside the try: a busy metrics port must still release the state lock and close the store.
      if (options.metricsPort !== undefined)
        server = await serveMetrics(this.metrics, options.metricsPort, pipeline.destinations, this);
      await wirePipeline(pipeline, {
        config: this.config,
        logger: this.logger,
        metrics: this.metrics,
        store,
        notifier,
        now,
        once: options.once,
        signal: stops.sources.signal,
        shutdownTimeoutMs: options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
        ingestDone: () => ingestDone,
        pressure: bufferPressure(this.config, store, now, onDiskLow),
      });
      await this.startMaintenance(pipeline, store, now, timers);
      stopRun = this.stopOn(options, stops, pipeline);
      if (options.once)
        unguard = guardOnceRun({
          lanes: pipeline.lanes,
          destinations: pipeline.destinations.values(),
          onceTimeoutMs: options.onceTimeoutMs ?? DEFAULT_ONCE_TIMEOUT_MS,
          stop: stopRun,
        });
      this.logger.info(
        {
          sources: pipeline.runners.length,
          destinations: pipeline.destinations.size,
          siemMappings: pipeline.lanes.length,
          once: options.once,
        },
        "run started",
      );
      const laneRuns = pipeline.lanes.map((lane) => lane.run(stops.lanes.signal, stops.kill.signal));
      await Promise.all(pipeline.runners.map((r) => r.run(stops.sources.signal, options.once)));
      ingestDone = options.once || stops.sources.signal.aborted;
      notifier.notify();
      await this.finish(pipeline, store, laneRuns);
      outcome = await runOutcome(pipeline, store, options.once);
    } finally {
      unguard();
      for (const t of timers) clearInterval(t);
      await closePipeline(pipeline, store);
      unlock();
      server?.close();
    }
    return this.summarize(pipeline, outcome);
  }

  /**
   * Prunes the buffer and expires dedup ids now and then, and dedup ids once now. The timers go into `timers`
   * as they start, so that the run clears them even if the first expiry fails.
   */
  private async startMaintenance(
    pipeline: Pipeline,
    store: StateStore,
    now: () => number,
    timers: NodeJS.Timeout[],
  ): Promise<void> {
    const every = (fn: () => Promise<unknown>, ms: number) =>
      timers.push(
        setInterval(() => {
          fn().catch((error: unknown) =>
            this.logger.error({ error: (error as Error).message }, "maintenance failed"),
          );
        }, ms).unref(),
      );
    every(() => pruneBuffer(pipeline, store, this.metrics), PRUNE_EVERY_MS);
    every(() => store.expireDedup(now()), DEDUP_EXPIRY_EVERY_MS);
    await store.expireDedup(now());
  }

  /**
   * On `options.stop`, or the returned function (a reason of the engine's own): no more pulls, new batches or
   * retries; sends in flight get the shutdown timeout to end, then they are cut.
   */
  private stopOn(options: RunOptions, stops: RunStops, pipeline: Pipeline): (reason: string) => void {
    const stopRun = (reason: string) => {
      if (stops.sources.signal.aborted) return;
      this.stopReason = reason;
      this.logger.info({ reason }, "stopping: no more pulls; finishing in-flight sends");
      stops.sources.abort();
      stops.lanes.abort();
      for (const dest of pipeline.destinations.values()) dest.stopRetrying();
      const t = setTimeout(
        () => stops.kill.abort(),
        options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      );
      t.unref();
    };
    const onSignal = () => stopRun(String(options.stop?.reason ?? "stopped"));
    if (options.stop?.aborted) onSignal();
    else options.stop?.addEventListener("abort", onSignal, { once: true });
    return stopRun;
  }

  /** Waits for the lanes (a lane's failure fails the run), prunes what they committed, flushes destinations. */
  private async finish(pipeline: Pipeline, store: StateStore, laneRuns: Promise<void>[]): Promise<void> {
    const results = await Promise.allSettled(laneRuns);
    for (const r of results) if (r.status === "rejected") throw r.reason;
    await pruneBuffer(pipeline, store, this.metrics);
    for (const dest of pipeline.destinations.values()) await dest.instance.flush?.();
  }

  private summarize(pipeline: Pipeline, outcome: RunOutcome): RunSummary {
    const { lanes, runners } = pipeline;
    const summary: RunSummary = {
      mappings: lanes.map((l) => ({
        name: l.name,
        stats: { ...l.stats },
        undelivered: outcome.undelivered.get(l.name) ?? 0,
      })),
      rejected: runners.reduce((n, r) => n + r.rejected, 0),
      sourceFailures: runners
        .filter((r) => r.failed)
        .map((r) => ({ source: r.config.name, error: this.redactor.redact(r.failed!.message) })),
      stopReason: this.stopReason && this.redactor.redact(this.stopReason),
      nothingToRead: outcome.nothingToRead,
      text: "",
    };
    summary.text = formatSummary(summary.mappings, summary);
    this.logger.info(
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

/** What a finished run left: records not settled per SIEM mapping, and (`--once`) sources with nothing to read. */
interface RunOutcome {
  undelivered: Map<string, number>;
  nothingToRead: string[];
}

async function runOutcome(pipeline: Pipeline, store: StateStore, once: boolean): Promise<RunOutcome> {
  const undelivered = new Map<string, number>();
  for (const lane of pipeline.lanes)
    undelivered.set(lane.name, await store.buffer.countAfter(lane.config.source, lane.committedSeq));
  const nothingToRead: string[] = [];
  if (once)
    for (const runner of pipeline.runners)
      if (!runner.failed && (await store.getCheckpoint(runner.config.name)) === undefined)
        nothingToRead.push(runner.config.name);
  return { undelivered, nothingToRead };
}

/** Closes every plugin instance (failures ignored: the run's outcome is already decided), then the store. */
async function closePipeline(pipeline: Pipeline, store: StateStore): Promise<void> {
  await Promise.allSettled([
    ...pipeline.runners.map((r) => r.instance.close?.()),
    ...[...pipeline.destinations.values()].map((d) => d.instance.close?.()),
  ]);
  await store.close();
}
