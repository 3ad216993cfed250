/** One running destination: its plugin instance, effective limits, health (pause, failures) and dedup claims. */
import type { DestinationConfig } from "../config/load.js";
import type { Destination, DestinationLimits, Logger } from "../sdk/types.js";

/** Default batch age when neither the plugin nor the configuration sets one. */
const DEFAULT_MAX_AGE_MS = 1000;

/** The last failed attempt of a destination, reported by /healthz until an attempt succeeds. */
export interface DestinationFailure {
  code: string;
  message: string;
  /** When the failures began (ms since the epoch). */
  since: number;
}

export class DestinationRuntime {
  readonly name: string;
  readonly limits: Required<DestinationLimits>;
  readonly maxAgeMs: number;
  /** Ids some lane holds in a pending or in-flight batch, so two SIEM mappings never send one event twice. */
  private readonly claims = new Map<string, string>();
  pausedReason: string | undefined;
  /** Set by a failed attempt (paused or retried), cleared by a successful one. */
  lastFailure: DestinationFailure | undefined;
  /** Aborted when the run stops: a failed attempt is then not retried; its batch stays buffered. */
  private readonly stopped = new AbortController();
  private readonly pauseListeners: ((reason: string) => void)[] = [];

  constructor(
    readonly config: DestinationConfig,
    readonly instance: Destination,
    readonly logger: Logger,
    private readonly onPauseChange: (paused: boolean) => void = () => undefined,
  ) {
    this.name = config.name;
    const own = instance.limits;
    const batch = config.core.batch;
    const maxBatchRecords = Math.max(1, Math.min(own.maxBatchRecords, batch.maxRecords ?? Infinity));
    const maxBatchBytes = Math.max(1, Math.min(own.maxBatchBytes, batch.maxBytes ?? Infinity));
    this.limits = {
      maxBatchRecords,
      maxBatchBytes,
      maxRecordBytes: Math.min(own.maxRecordBytes ?? maxBatchBytes, maxBatchBytes),
      maxInFlightBatches: Math.max(1, Math.min(own.maxInFlightBatches ?? 1, batch.maxInFlight ?? Infinity)),
    };
    const pluginAge = (instance as { batchMaxAgeMs?: unknown }).batchMaxAgeMs;
    this.maxAgeMs = batch.maxAge ?? (typeof pluginAge === "number" ? pluginAge : DEFAULT_MAX_AGE_MS);
  }

  get dedupEnabled(): boolean {
    return this.config.core.dedup.enabled;
  }

  get dedupTtlMs(): number {
    return this.config.core.dedup.ttl;
  }

  /**
   * Claim an id for a lane's batch; false when a batch (of any lane, this one included) already holds it and
   * has not been committed yet: the id is then a duplicate of a record on its way.
   */
  claim(id: string, lane: string): boolean {
    if (this.claims.has(id)) return false;
    this.claims.set(id, lane);
    return true;
  }

  release(ids: Iterable<string>, lane: string): void {
    for (const id of ids) if (this.claims.get(id) === lane) this.claims.delete(id);
  }

  /** A failed attempt that is retried: the destination is failing until an attempt succeeds. */
  failed(code: string | undefined, message: string, now = Date.now()): void {
    this.lastFailure = { code: code ?? "unknown", message, since: this.lastFailure?.since ?? now };
  }

  pause(reason: string, code?: string): void {
    this.failed(code, reason);
    if (this.pausedReason === undefined) {
      this.logger.error({ reason }, "destination paused; its data is kept");
      this.onPauseChange(true);
    }
    this.pausedReason = reason;
    for (const listener of this.pauseListeners) listener(reason);
  }

  /** Called on every pause (`run --once` stops on the first). */
  onPause(listener: (reason: string) => void): void {
    this.pauseListeners.push(listener);
  }

  get stopSignal(): AbortSignal {
    return this.stopped.signal;
  }

  /** The run is stopping: sends in flight go on until the shutdown deadline, but nothing is retried. */
  stopRetrying(): void {
    this.stopped.abort();
  }

  resume(): void {
    this.lastFailure = undefined;
    if (this.pausedReason !== undefined) {
      this.logger.info({}, "destination resumed");
      this.onPauseChange(false);
    }
    this.pausedReason = undefined;
  }
}
