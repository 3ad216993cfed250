/** A fake PluginContext for plugin unit tests: captured logs and counters, in-memory plugin state. */
import os from "node:os";
import type { Logger, PluginContext } from "../sdk/types.js";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  msg: string | undefined;
  fields: Record<string, unknown>;
}

export interface FakeContext extends PluginContext {
  logs: LogEntry[];
  counters: Map<string, number>;
  controller: AbortController;
  /** Moves the fake clock. */
  advance(ms: number): void;
}

function memoryLogger(logs: LogEntry[], bindings: Record<string, unknown>): Logger {
  const at =
    (level: LogEntry["level"]) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, msg, fields: { ...bindings, ...(obj as Record<string, unknown>) } });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => memoryLogger(logs, { ...bindings, ...more }),
  };
}

export function fakeContext(
  overrides: Partial<Pick<PluginContext, "name" | "mode" | "baseDir">> & { now?: number } = {},
): FakeContext {
  const logs: LogEntry[] = [];
  const counters = new Map<string, number>();
  const state = new Map<string, unknown>();
  const controller = new AbortController();
  let now = overrides.now ?? Date.UTC(2025, 10, 22, 12, 0, 0);
  return {
    name: overrides.name ?? "test",
    logger: memoryLogger(logs, {}),
    metrics: {
      count: (name, value = 1) => counters.set(name, (counters.get(name) ?? 0) + value),
    },
    signal: controller.signal,
    clock: { now: () => now },
    state: { get: (k) => state.get(k), set: (k, v) => void state.set(k, v) },
    mode: overrides.mode ?? "once",
    baseDir: overrides.baseDir ?? os.tmpdir(),
    logs,
    counters,
    controller,
    advance: (ms) => {
      now += ms;
    },
  };
}
