/** `@logshipper/core`: the engine, for embedding. Plugins import `@logshipper/core/sdk` instead. */
export { Engine, type RunOptions, type RunSummary } from "./engine/engine.js";
export { loadConfig, type LoadedConfig } from "./config/load.js";
export { ConfigError } from "./config/errors.js";
export { createLogger, Redactor } from "./log.js";
export type { StateStore, Buffer } from "./state/interfaces.js";
export { openSqliteState } from "./state/sqlite.js";
