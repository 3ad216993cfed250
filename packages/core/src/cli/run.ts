import { Engine } from "../engine/engine.js";
import { EXIT_OK, EXIT_RUNTIME, load, reportError } from "./context.js";
import { tuneHeap, type HeapMode } from "./heap.js";

export async function runCommand(options: {
  config: string;
  once?: boolean;
  metricsPort?: number;
  shutdownTimeout: number;
  heap?: HeapMode;
}): Promise<void> {
  const { config, logger, redactor } = await load(options.config);
  // Once the configuration and its plugins are loaded: start-up keeps V8's sizing (fewer collections while
  // modules load), the pipeline runs with the heap's.
  const untune = tuneHeap(options.heap ?? "compact");
  // Process warnings (deprecations, SDK notices) as log lines, not free text in the middle of JSON lines.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => logger.warn({ name: warning.name }, warning.message));
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (name: string) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal: name }, "second signal: exiting now; unsent batches stay buffered");
      process.exit(EXIT_RUNTIME);
    }
    logger.info({ signal: name }, "signal received");
    stop.abort();
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
  const engine = new Engine(config, logger, redactor);
  try {
    const summary = await engine.run({
      once: options.once === true,
      stop: stop.signal,
      shutdownTimeoutMs: options.shutdownTimeout,
      ...(options.metricsPort !== undefined ? { metricsPort: options.metricsPort } : {}),
    });
    if (options.once || stop.signal.aborted) process.stdout.write(summary.text);
    for (const f of summary.sourceFailures) process.stderr.write(`error: source ${f.source}: ${f.error}\n`);
    process.exitCode = summary.sourceFailures.length > 0 ? EXIT_RUNTIME : EXIT_OK;
  } catch (error) {
    process.exitCode = reportError(error, redactor);
  } finally {
    untune?.();
  }
}
