/**
 * Checks the `sources` and `destinations` sections (docs/configuration.md, "Sections"): each entry's core
 * options against core's schema and the rest against its plugin's schema. Both sections have one shape, so
 * they are checked by one function, told the kind.
 */
import type { z } from "zod";
import { compileMapping } from "../mapping/index.js";
import { collectSecretValues } from "../sdk/plugin.js";
import type { DestinationPluginDefinition, SourcePluginDefinition } from "../sdk/types.js";
import type { ConfigIssue } from "./errors.js";
import type { DestinationConfig, SourceConfig } from "./load.js";
import type { PluginRegistry } from "./registry.js";
import {
  DESTINATION_CORE_KEYS,
  destinationCoreSchema,
  SOURCE_CORE_KEYS,
  sourceCoreSchema,
  type ConfigFile,
  type DestinationCoreOptions,
  type SourceCoreOptions,
} from "./schema.js";

function zodPath(prefix: string, p: PropertyKey[]): string {
  let out = prefix;
  for (const k of p) out = typeof k === "number" ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k);
  return out || "(root)";
}

/** Adds zod's issues under `prefix`, one per unknown key. */
export function addZodIssues(issues: ConfigIssue[], prefix: string, error: z.ZodError): void {
  for (const i of error.issues) {
    if (i.code === "unrecognized_keys") {
      for (const key of i.keys)
        issues.push({ path: zodPath(prefix, [...i.path, key]), message: "unknown option" });
    } else issues.push({ path: zodPath(prefix, i.path), message: i.message });
  }
}

function split(
  raw: Record<string, unknown>,
  coreKeys: string[],
): [Record<string, unknown>, Record<string, unknown>] {
  const core: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) (coreKeys.includes(k) ? core : own)[k] = v;
  return [core, own];
}

function unknownKeys(schema: z.ZodType, own: Record<string, unknown>): string[] {
  const def = (
    schema as unknown as { def: { type: string; shape?: Record<string, unknown>; catchall?: unknown } }
  ).def;
  if (def.type !== "object" || !def.shape || def.catchall) return [];
  return Object.keys(own).filter((k) => !(k in def.shape!));
}

function parsePluginOptions(
  issues: ConfigIssue[],
  prefix: string,
  schema: z.ZodType,
  own: Record<string, unknown>,
): unknown {
  for (const k of unknownKeys(schema, own))
    issues.push({ path: `${prefix}.${k}`, message: "unknown option" });
  const parsed = schema.safeParse(own);
  if (!parsed.success) {
    addZodIssues(issues, prefix, parsed.error);
    return undefined;
  }
  return parsed.data;
}

/** What differs between the two sections. */
interface EntryKind<Plugin, Core> {
  kind: "source" | "destination";
  section: "sources" | "destinations";
  coreKeys: string[];
  coreSchema: z.ZodType<Core>;
  plugins: ReadonlyMap<string, Plugin>;
}

/** An entry whose core and plugin options are both valid. */
interface CheckedEntry<Plugin, Core> {
  name: string;
  prefix: string;
  plugin: Plugin;
  core: Core;
  options: unknown;
}

interface EntryChecks {
  registry: PluginRegistry;
  issues: ConfigIssue[];
  /** Receives the values of every option marked secret. */
  secrets: Set<string>;
}

/**
 * Checks every entry of one section; `complete` turns each valid entry into its configuration (and may add
 * issues of its own). An entry with problems adds issues and no configuration.
 */
function checkEntries<Plugin extends { configSchema: z.ZodType }, Core, Config>(
  kind: EntryKind<Plugin, Core>,
  entries: ConfigFile["sources"],
  checks: EntryChecks,
  complete: (entry: CheckedEntry<Plugin, Core>) => Config,
): Map<string, Config> {
  const { registry, issues, secrets } = checks;
  const configs = new Map<string, Config>();
  for (const [name, raw] of Object.entries(entries)) {
    const prefix = `${kind.section}.${name}`;
    const [coreRaw, own] = split(raw, kind.coreKeys);
    const core = kind.coreSchema.safeParse(coreRaw);
    if (!core.success) addZodIssues(issues, prefix, core.error);
    const plugin = kind.plugins.get(raw.plugin);
    if (!plugin) {
      const available = registry.names(kind.kind).join(", ");
      issues.push({
        path: `${prefix}.plugin`,
        message: `unknown ${kind.kind} plugin "${raw.plugin}" (available: ${available})`,
      });
      continue;
    }
    const options = parsePluginOptions(issues, prefix, plugin.configSchema, own);
    if (!core.success || options === undefined) continue;
    collectSecretValues(plugin.configSchema, options, secrets);
    configs.set(name, complete({ name, prefix, plugin, core: core.data, options }));
  }
  return configs;
}

export function checkSources(entries: ConfigFile["sources"], checks: EntryChecks): Map<string, SourceConfig> {
  const kind: EntryKind<SourcePluginDefinition, SourceCoreOptions> = {
    kind: "source",
    section: "sources",
    coreKeys: SOURCE_CORE_KEYS,
    coreSchema: sourceCoreSchema,
    plugins: checks.registry.sources,
  };
  return checkEntries(kind, entries, checks, ({ name, prefix, plugin, core, options }) => {
    const source: SourceConfig = { name, plugin, core, options };
    if (core.idField && core.idExpression)
      checks.issues.push({
        path: `${prefix}.idExpression`,
        message: "set idField or idExpression, not both",
      });
    if (core.idExpression) {
      try {
        source.idExpression = compileMapping(core.idExpression, `${prefix}.idExpression`);
      } catch (error) {
        checks.issues.push({ path: `${prefix}.idExpression`, message: (error as Error).message });
      }
    }
    return source;
  });
}

export function checkDestinations(
  entries: ConfigFile["destinations"],
  checks: EntryChecks,
): Map<string, DestinationConfig> {
  const kind: EntryKind<DestinationPluginDefinition, DestinationCoreOptions> = {
    kind: "destination",
    section: "destinations",
    coreKeys: DESTINATION_CORE_KEYS,
    coreSchema: destinationCoreSchema,
    plugins: checks.registry.destinations,
  };
  return checkEntries(kind, entries, checks, ({ name, plugin, core, options }) => {
    const additionalData = (options as { additionalData?: unknown }).additionalData === true;
    return { name, plugin, core, options, additionalData };
  });
}
