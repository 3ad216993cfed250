import { Engine, type RunSummary } from "../engine/engine.js";
import { DEFAULT_ONCE_TIMEOUT_MS } from "../engine/once-guard.js";
import { EXIT_RUNTIME, load, reportError, type Loaded } from "./context.js";
import { tuneHeap, type HeapMode } from "./heap.js";
import { reloadConfig } from "./reload.js";
import { runExitCode } from "./run-outcome.js";

export interface RunCommandOptions {
  config: string;
  once?: boolean;
  metricsPort?: number;
  shutdownTimeout: number;
  onceTimeout?: number;
  heap?: HeapMode;
}

/** After a run has returned, what still holds the event loop (a send cut at the deadline) gets this long. */
const EXIT_GRACE_MS = 1000;

/**
 * The signals of a run: SIGTERM and SIGINT stop it (a second one exits at once); SIGHUP reloads the
 * configuration: the new one is checked first, and only a valid one replaces the running engine.
 */
class RunSignals {
  private signals = 0;
  private stop = new AbortController();
  /** A valid configuration waiting for the current engine to drain. */
  private next: Loaded | undefined;

  constructor(
    private loaded: Loaded,
    private readonly configFile: string,
  ) {
    process.on("SIGTERM", () => this.terminate("SIGTERM"));
    process.on("SIGINT", () => this.terminate("SIGINT"));
    process.on("SIGHUP", () => void this.reload());
  }

  get terminating(): boolean {
    return this.signals > 0;
  }

  /** The stop signal of the next engine run. */
  nextRun(): AbortSignal {
    this.stop = new AbortController();
    return this.stop.signal;
  }

  /** The configuration to run next, once a reload has stopped the current engine. */
  takeReload(): Loaded | undefined {
    const next = this.terminating ? undefined : this.next;
    this.next = undefined;
    if (next) this.loaded = next;
    return next;
  }

  private terminate(name: string): void {
    const { logger } = this.loaded;
    this.signals++;
    if (this.signals > 1) {
      logger.warn({ signal: name }, "second signal: exiting now; unsent batches stay buffered");
      process.exit(EXIT_RUNTIME);
    }
    logger.info({ signal: name }, "signal received");
    this.stop.abort(name);
  }

  private async reload(): Promise<void> {
    const next = await reloadConfig(this.configFile, this.loaded);
    if (!next || this.terminating) return;
    this.next = next;
    this.stop.abort("SIGHUP: reloading the configuration");
  }
}

export async function runCommand(options: RunCommandOptions): Promise<void> {
  let loaded = await load(options.config);
  // Once the configuration and its plugins are loaded: start-up keeps V8's sizing (fewer collections while
  // modules load), the pipeline runs with the heap's.
  const untune = tuneHeap(options.heap ?? "compact");
  // Process warnings (deprecations, SDK notices) as log lines, not free text in the middle of JSON lines.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => loaded.logger.warn({ name: warning.name }, warning.message));
  const signals = new RunSignals(loaded, options.config);
  try {
    let summary: RunSummary;
    for (;;) {
      const stop = signals.nextRun();
      summary = await new Engine(loaded.config, loaded.logger, loaded.redactor).run({
        once: options.once === true,
        stop,
        shutdownTimeoutMs: options.shutdownTimeout,
        onceTimeoutMs: options.onceTimeout ?? DEFAULT_ONCE_TIMEOUT_MS,
        ...(options.metricsPort !== undefined ? { metricsPort: options.metricsPort } : {}),
      });
      const next = signals.takeReload();
      if (!next) break;
      loaded = next;
      loaded.logger.info({}, "configuration reloaded: starting the new one");
    }
    if (options.once || signals.terminating) process.stdout.write(summary.text);
    for (const f of summary.sourceFailures) process.stderr.write(`error: source ${f.source}: ${f.error}\n`);
    process.exitCode = runExitCode(summary, options.once === true);
    // The run is over: a plugin that ignored the shutdown deadline must not keep the process alive.
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  } catch (error) {
    process.exitCode = reportError(error, loaded.redactor);
  } finally {
    untune?.();
  }
}
