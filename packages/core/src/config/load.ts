/** Load and validate a configuration file: everything is checked before anything runs (DESIGN §4). */
import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { compileMapping, type CompiledMapping } from "../mapping/index.js";
import {
  compileRule,
  compileRuleNode,
  parseRule,
  type RuleNode,
  type RulePredicate,
} from "../rules/index.js";
import { collectSecretValues } from "../sdk/plugin.js";
import type { DestinationPluginDefinition, SourcePluginDefinition } from "../sdk/types.js";
import { substituteEnv } from "./env.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { loadRegistry, type PluginRegistry } from "./registry.js";
import {
  configFileSchema,
  type ConfigFile,
  DESTINATION_CORE_KEYS,
  NAME_MESSAGE,
  NAME_PATTERN,
  siemMappingSchema,
  destinationCoreSchema,
  SOURCE_CORE_KEYS,
  sourceCoreSchema,
  type DestinationCoreOptions,
  type SourceCoreOptions,
} from "./schema.js";

export interface SourceConfig {
  name: string;
  plugin: SourcePluginDefinition;
  core: SourceCoreOptions;
  options: unknown;
  idExpression?: CompiledMapping;
}

export interface DestinationConfig {
  name: string;
  plugin: DestinationPluginDefinition;
  core: DestinationCoreOptions;
  options: unknown;
  /** `additionalData: true` in the plugin options: unmapped fields are computed for each record. */
  additionalData: boolean;
}

export interface RuleConfig {
  name: string;
  text: string;
  node: RuleNode;
  predicate: RulePredicate;
}

export interface SiemMappingConfig {
  name: string;
  source: string;
  rule: RuleConfig;
  destination: string;
  mappingFile: string;
  mapping: CompiledMapping;
}

export interface LoadedConfig {
  file: string;
  baseDir: string;
  /** File name without extension: tags every log line. */
  name: string;
  state: {
    dir: string;
    maxBufferBytes: number;
    minFreeDiskBytes: number;
    sync: "normal" | "full";
    thread: boolean;
  };
  sources: Map<string, SourceConfig>;
  destinations: Map<string, DestinationConfig>;
  rules: Map<string, RuleConfig>;
  siemMappings: SiemMappingConfig[];
  registry: PluginRegistry;
  /** Values of every option marked secret, for redaction. */
  secrets: Set<string>;
}

export const ALL_RULE = "All";
const IDENTITY_MAPPING = "$";

function zodPath(prefix: string, p: PropertyKey[]): string {
  let out = prefix;
  for (const k of p) out = typeof k === "number" ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k);
  return out || "(root)";
}

function addZodIssues(issues: ConfigIssue[], prefix: string, error: z.ZodError): void {
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

function readYaml(file: string, text: string, issues: ConfigIssue[]): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  // The first few: after a syntax error YAML reports every later token too.
  for (const e of doc.errors.slice(0, 5)) {
    const pos = e.linePos?.[0];
    issues.push({
      path: pos ? `line ${pos.line}, column ${pos.col}` : "(root)",
      message: e.message.split("\n")[0] ?? "",
    });
  }
  return doc.errors.length ? undefined : (doc.toJS() as unknown);
}

/**
 * Check each section (and each entry) on its own, so that one mistake does not hide the others:
 * every problem in the file is reported together.
 */
function parseSections(value: unknown, issues: ConfigIssue[]): ConfigFile {
  const empty: ConfigFile = configFileSchema.parse({});
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path: "(root)", message: "the configuration must be a mapping of sections" });
    return empty;
  }
  const raw = value as Record<string, unknown>;
  const shape = configFileSchema.shape;
  for (const key of Object.keys(raw))
    if (!(key in shape)) issues.push({ path: key, message: "unknown section" });
  const section = <K extends keyof ConfigFile>(key: K): ConfigFile[K] => {
    const parsed = shape[key].safeParse(raw[key]);
    if (parsed.success) return parsed.data as ConfigFile[K];
    addZodIssues(issues, key, parsed.error);
    return empty[key];
  };
  const entries = <T>(key: "sources" | "destinations", check: z.ZodType<T>): Record<string, T> => {
    const map = raw[key];
    if (map === undefined || map === null) return {};
    if (typeof map !== "object" || Array.isArray(map)) {
      issues.push({ path: key, message: "expected a mapping of names to configurations" });
      return {};
    }
    const out: Record<string, T> = {};
    for (const [name, entry] of Object.entries(map)) {
      const parsed = check.safeParse(entry);
      if (!NAME_PATTERN.test(name)) issues.push({ path: `${key}.${name}`, message: NAME_MESSAGE });
      else if (parsed.success) out[name] = parsed.data;
      else addZodIssues(issues, `${key}.${name}`, parsed.error);
    }
    return out;
  };
  const mappings: ConfigFile["siemMappings"] = [];
  if (Array.isArray(raw.siemMappings)) {
    for (const [i, entry] of raw.siemMappings.entries()) {
      const parsed = siemMappingSchema.safeParse(entry);
      if (parsed.success) mappings.push(parsed.data);
      else addZodIssues(issues, `siemMappings[${i}]`, parsed.error);
    }
  } else if (raw.siemMappings !== undefined)
    issues.push({ path: "siemMappings", message: "expected a list" });
  const pluginEntry = z.looseObject({ plugin: z.string() });
  return {
    state: section("state"),
    plugins: section("plugins"),
    sources: entries("sources", pluginEntry),
    destinations: entries("destinations", pluginEntry),
    rules: section("rules"),
    siemMappings: mappings,
  };
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const absFile = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absFile, "utf8");
  } catch (error) {
    throw new ConfigError(file, [{ path: "(file)", message: `cannot read: ${(error as Error).message}` }]);
  }
  return loadConfigText(text, absFile, env);
}

export async function loadConfigText(
  text: string,
  absFile: string,
  env: NodeJS.ProcessEnv,
): Promise<LoadedConfig> {
  const issues: ConfigIssue[] = [];
  const baseDir = path.dirname(absFile);
  const raw = readYaml(absFile, text, issues);
  if (issues.length) throw new ConfigError(absFile, issues);
  const substituted = substituteEnv(raw ?? {}, env, issues, new Set());
  const cfg = parseSections(substituted, issues);
  const registry = await loadRegistry(cfg.plugins, baseDir, issues, {
    sources: Object.values(cfg.sources).map((s) => s.plugin),
    destinations: Object.values(cfg.destinations).map((d) => d.plugin),
  });
  const secrets = new Set<string>();

  const sources = new Map<string, SourceConfig>();
  for (const [name, rawSource] of Object.entries(cfg.sources)) {
    const prefix = `sources.${name}`;
    const [coreRaw, own] = split(rawSource, SOURCE_CORE_KEYS);
    const core = sourceCoreSchema.safeParse(coreRaw);
    if (!core.success) addZodIssues(issues, prefix, core.error);
    const plugin = registry.sources.get(rawSource.plugin);
    if (!plugin) {
      issues.push({
        path: `${prefix}.plugin`,
        message: `unknown source plugin "${rawSource.plugin}" (available: ${registry.names("source").join(", ")})`,
      });
      continue;
    }
    const options = parsePluginOptions(issues, prefix, plugin.configSchema, own);
    if (!core.success || options === undefined) continue;
    collectSecretValues(plugin.configSchema, options, secrets);
    const source: SourceConfig = { name, plugin, core: core.data, options };
    if (core.data.idField && core.data.idExpression)
      issues.push({ path: `${prefix}.idExpression`, message: "set idField or idExpression, not both" });
    if (core.data.idExpression) {
      try {
        source.idExpression = compileMapping(core.data.idExpression, `${prefix}.idExpression`);
      } catch (error) {
        issues.push({ path: `${prefix}.idExpression`, message: (error as Error).message });
      }
    }
    sources.set(name, source);
  }

  const destinations = new Map<string, DestinationConfig>();
  for (const [name, rawDest] of Object.entries(cfg.destinations)) {
    const prefix = `destinations.${name}`;
    const [coreRaw, own] = split(rawDest, DESTINATION_CORE_KEYS);
    const core = destinationCoreSchema.safeParse(coreRaw);
    if (!core.success) addZodIssues(issues, prefix, core.error);
    const plugin = registry.destinations.get(rawDest.plugin);
    if (!plugin) {
      issues.push({
        path: `${prefix}.plugin`,
        message: `unknown destination plugin "${rawDest.plugin}" (available: ${registry.names("destination").join(", ")})`,
      });
      continue;
    }
    const options = parsePluginOptions(issues, prefix, plugin.configSchema, own);
    if (!core.success || options === undefined) continue;
    collectSecretValues(plugin.configSchema, options, secrets);
    const additionalData = (options as { additionalData?: unknown }).additionalData === true;
    destinations.set(name, { name, plugin, core: core.data, options, additionalData });
  }

  const rules = new Map<string, RuleConfig>();
  rules.set(ALL_RULE, { name: ALL_RULE, text: "", node: parseRule(""), predicate: compileRule("") });
  for (const [name, ruleText] of Object.entries(cfg.rules)) {
    if (name === ALL_RULE) {
      issues.push({ path: `rules.${name}`, message: `"${ALL_RULE}" is built in and matches everything` });
      continue;
    }
    try {
      const node = parseRule(ruleText);
      rules.set(name, { name, text: ruleText, node, predicate: compileRuleNode(node) });
    } catch (error) {
      issues.push({ path: `rules.${name}`, message: (error as Error).message });
    }
  }

  const siemMappings: SiemMappingConfig[] = [];
  const mappingNames = new Set<string>();
  const compiledFiles = new Map<string, CompiledMapping>();
  for (const [i, entry] of cfg.siemMappings.entries()) {
    if (!entry.enabled) continue;
    const prefix = `siemMappings[${i}]`;
    const declared = cfg.sources[entry.source] !== undefined;
    if (!declared) issues.push({ path: `${prefix}.source`, message: `no source named "${entry.source}"` });
    const destDeclared = cfg.destinations[entry.destination] !== undefined;
    if (!destDeclared)
      issues.push({ path: `${prefix}.destination`, message: `no destination named "${entry.destination}"` });
    const rule = rules.get(entry.rule);
    if (!rule && cfg.rules[entry.rule] === undefined)
      issues.push({ path: `${prefix}.rule`, message: `no rule named "${entry.rule}"` });
    const name = entry.name ?? `${entry.source}.${entry.rule}.${entry.destination}`;
    if (mappingNames.has(name))
      issues.push({ path: `${prefix}.name`, message: `duplicate SIEM mapping "${name}" (give it a name)` });
    mappingNames.add(name);
    const dest = destinations.get(entry.destination);
    let mapping: CompiledMapping | undefined;
    let mappingFile = "(identity)";
    try {
      if (entry.mapping) {
        mappingFile = path.resolve(baseDir, entry.mapping);
        mapping = compiledFiles.get(mappingFile);
        if (!mapping) {
          let mappingText: string;
          try {
            mappingText = fs.readFileSync(mappingFile, "utf8");
          } catch (error) {
            throw new Error(`cannot read mapping ${entry.mapping}: ${(error as Error).message}`, {
              cause: error,
            });
          }
          mapping = compileMapping(mappingText, entry.mapping);
          compiledFiles.set(mappingFile, mapping);
        }
      } else if (dest) {
        mappingFile = `(default mapping of ${dest.plugin.name})`;
        mapping = compileMapping(dest.plugin.defaultMapping ?? IDENTITY_MAPPING, mappingFile);
      }
    } catch (error) {
      issues.push({ path: `${prefix}.mapping`, message: (error as Error).message });
    }
    if (rule && mapping && sources.has(entry.source) && dest)
      siemMappings.push({
        name,
        source: entry.source,
        rule,
        destination: entry.destination,
        mappingFile,
        mapping,
      });
  }
  if (issues.length) throw new ConfigError(absFile, issues);
  return {
    file: absFile,
    baseDir,
    name: path.basename(absFile).replace(/\.(ya?ml|json)$/i, ""),
    state: { ...cfg.state, dir: path.resolve(baseDir, cfg.state.dir) },
    sources,
    destinations,
    rules,
    siemMappings,
    registry,
    secrets,
  };
}
