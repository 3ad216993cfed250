/**
 * SIGHUP: read the configuration file again and check it whole (schema, plugins, rules, mappings) before it
 * replaces the running one. A file with problems is logged with every problem and the running configuration
 * goes on; so is one that moves the state directory (its buffer and cursors would be left behind).
 */
import path from "node:path";
import { ConfigError } from "../config/errors.js";
import { load, type Loaded } from "./context.js";

export async function reloadConfig(configFile: string, current: Loaded): Promise<Loaded | undefined> {
  const { logger } = current;
  logger.info({ file: configFile }, "SIGHUP: checking the configuration file");
  let next: Loaded;
  try {
    next = await load(configFile);
  } catch (error) {
    const problems =
      error instanceof ConfigError
        ? error.issues.map((i) => current.redactor.redact(`${i.path}: ${i.message}`))
        : [current.redactor.redact((error as Error).message ?? String(error))];
    logger.error(
      { file: configFile, problems },
      "configuration reload refused: the running configuration goes on",
    );
    return undefined;
  }
  if (path.resolve(next.config.state.dir) !== path.resolve(current.config.state.dir)) {
    logger.error(
      { file: configFile, problems: ["state.dir: cannot change while running; restart to move the state"] },
      "configuration reload refused: the running configuration goes on",
    );
    return undefined;
  }
  logger.info({ file: configFile }, "configuration valid: draining the running engine to apply it");
  return next;
}
