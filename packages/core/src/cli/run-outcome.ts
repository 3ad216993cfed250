/**
 * The exit code of `logshipper run` (the table: docs/cli.md). Cron, CI and orchestrators act on it, so a run
 * exits 0 only when everything it pulled reached a final state: sent, deduplicated or filtered out.
 */
import { InvalidArgumentError } from "commander";
import type { RunSummary } from "../engine/engine.js";
import { parseDuration } from "../sdk/units.js";
import { EXIT_OK, EXIT_RUNTIME } from "./context.js";

/** Some records were dead-lettered (the summary says how many); everything else was settled. */
export const EXIT_DEAD_LETTERED = 3;
/** Stopped with records undelivered (a paused destination, `--once-timeout`, a signal): they stay buffered. */
export const EXIT_UNDELIVERED = 4;
/** `--once`: a source has never found anything to read (a path that matches no file). */
export const EXIT_NOTHING_TO_READ = 5;

/**
 * The most serious outcome wins: a failed source (1), records left undelivered (4), a source with nothing to
 * read (5: most often a typo, which loses a whole source's data), dead letters (3), else 0. A continuous run
 * stopped by a signal exits 0 (what it holds is sent by the next run); only its failed sources count.
 */
export function runExitCode(summary: RunSummary, once: boolean): number {
  if (summary.sourceFailures.length > 0) return EXIT_RUNTIME;
  if (!once) return EXIT_OK;
  if (summary.mappings.some((m) => m.undelivered > 0)) return EXIT_UNDELIVERED;
  // Stopped before the sources were read to the end (a low state disk, say): what is unread is undelivered too.
  if (summary.stopReason !== undefined) return EXIT_UNDELIVERED;
  if (summary.nothingToRead.length > 0) return EXIT_NOTHING_TO_READ;
  const deadLettered = summary.mappings.reduce((n, m) => n + m.stats.deadlettered, summary.rejected);
  return deadLettered > 0 ? EXIT_DEAD_LETTERED : EXIT_OK;
}

/** A duration argument (`--shutdown-timeout 2s`, `--once-timeout 5m`); a bare number is milliseconds. */
export function durationArgument(value: string): number {
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) : parseDuration(value);
  if (ms === undefined)
    throw new InvalidArgumentError(`not a duration: ${value} (for example 500ms, 10s, 5m)`);
  return ms;
}
