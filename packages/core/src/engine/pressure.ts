/**
 * Backpressure at ingest: sources pause while the durable buffer is over `state.maxBufferBytes` or the state
 * disk has less than `state.minFreeDiskBytes` free (docs/reliability.md, "Backpressure"). A low disk is also
 * told to `onDiskLow`: under `run --once` waiting for room could last forever, so the run stops instead.
 */
import fs from "node:fs";
import type { LoadedConfig } from "../config/load.js";
import type { StateStore } from "../state/interfaces.js";

/** Free disk space is asked of the system at most this often (statfs costs a system call). */
const DISK_CHECK_EVERY_MS = 5000;

/** A check that says why sources must pause now, or undefined when they may pull. */
export function bufferPressure(
  config: LoadedConfig,
  store: StateStore,
  now: () => number,
  onDiskLow?: (reason: string) => void,
): () => string | undefined {
  let diskFree = Infinity;
  let diskCheckedAt = 0;
  return () => {
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
    if (diskFree < config.state.minFreeDiskBytes) {
      const reason = `state disk has ${diskFree} bytes free (bound state.minFreeDiskBytes ${config.state.minFreeDiskBytes})`;
      onDiskLow?.(reason);
      return reason;
    }
    return undefined;
  };
}
