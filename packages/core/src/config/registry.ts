/** Plugin registry: the built-in `file` plugins, the bundled plugin packages when installed, and `plugins:`. */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { fileDestination, fileSource } from "../plugins/file/index.js";
import type { DestinationPluginDefinition, PluginDefinition, SourcePluginDefinition } from "../sdk/types.js";

/** Packages of this repository that load by default when they are installed next to core. */
export const BUNDLED_PACKAGES = [
  "@logshipper/plugin-s3",
  "@logshipper/plugin-cloudtrail-lake",
  "@logshipper/plugin-syslog",
];

export class PluginRegistry {
  readonly sources = new Map<string, SourcePluginDefinition>();
  readonly destinations = new Map<string, DestinationPluginDefinition>();

  add(def: PluginDefinition): void {
    if (def.kind === "source") this.sources.set(def.name, def);
    else this.destinations.set(def.name, def);
  }

  list(): PluginDefinition[] {
    return [...this.sources.values(), ...this.destinations.values()];
  }
}

function isPluginDefinition(value: unknown): value is PluginDefinition {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<PluginDefinition>;
  return (
    typeof v.name === "string" &&
    (v.kind === "source" || v.kind === "destination") &&
    typeof v.create === "function" &&
    v.configSchema !== undefined
  );
}

/** A plugin package exports its definitions as `plugins` (an array), as the default export, or as named exports. */
function definitionsIn(module: Record<string, unknown>): PluginDefinition[] {
  const candidates: unknown[] = [];
  if (Array.isArray(module.plugins)) candidates.push(...(module.plugins as unknown[]));
  if (Array.isArray(module.default)) candidates.push(...(module.default as unknown[]));
  else if (module.default) candidates.push(module.default);
  candidates.push(...Object.values(module));
  return [...new Set(candidates.filter(isPluginDefinition))];
}

async function importFrom(specifier: string, baseDir: string): Promise<Record<string, unknown>> {
  // Resolve relative to the configuration first (the user's project), then to core itself.
  const require = createRequire(path.join(baseDir, "noop.js"));
  let target: string;
  try {
    target = pathToFileURL(require.resolve(specifier)).href;
  } catch {
    target = specifier.startsWith(".") ? pathToFileURL(path.resolve(baseDir, specifier)).href : specifier;
  }
  return (await import(target)) as Record<string, unknown>;
}

export interface RegistryIssue {
  path: string;
  message: string;
}

export async function loadRegistry(
  extra: string[],
  baseDir: string,
  issues: RegistryIssue[],
): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  registry.add(fileSource);
  registry.add(fileDestination);
  for (const pkg of BUNDLED_PACKAGES) {
    try {
      for (const def of definitionsIn(await importFrom(pkg, baseDir))) registry.add(def);
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    }
  }
  for (const [i, pkg] of extra.entries()) {
    try {
      const defs = definitionsIn(await importFrom(pkg, baseDir));
      if (defs.length === 0)
        issues.push({ path: `plugins[${i}]`, message: `${pkg} exports no plugin definitions` });
      for (const def of defs) registry.add(def);
    } catch (error) {
      issues.push({ path: `plugins[${i}]`, message: `cannot load ${pkg}: ${(error as Error).message}` });
    }
  }
  return registry;
}
