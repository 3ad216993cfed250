/** `@logshipper/core/sdk`: everything a plugin may import from core. */
export { z } from "zod";
export * from "./types.js";
export * from "./errors.js";
export { definePlugin, secret, isSecretSchema, collectSecretValues } from "./plugin.js";
export {
  defineCommand,
  defineCommandGroup,
  isRunnableCommand,
  COMMAND_USAGE_EXIT,
  type CommandDefinition,
  type CommandGroupDefinition,
  type CommandOptionDefinition,
  type CommandContext,
  type LoadDestinationRequest,
  type PluginCommand,
} from "./command.js";
export { parseDuration, parseByteSize, duration, byteSize } from "./units.js";
export * from "../formats/index.js";
export { SourceBatcher, type SourceBatchLimits } from "./batcher.js";
export * from "./keys.js";
export { sleep } from "./sleep.js";
export {
  RETRYABLE_NETWORK_CODES,
  CONFIGURATION_NETWORK_CODES,
  networkErrorKind,
  parseRetryAfter,
  MAX_RETRY_AFTER_MS,
} from "./network.js";
