/**
 * Load and validate a configuration file: everything is checked before anything runs, and every problem is
 * reported with its path (docs/configuration.md; the codes in docs/errors.md).
 */
import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import type { CompiledMapping } from "../mapping/index.js";
import type { RuleNode, RulePredicate } from "../rules/index.js";
import type { DestinationPluginDefinition, SourcePluginDefinition } from "../sdk/types.js";
import { substituteEnv } from "./env.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { addZodIssues, checkDestinations, checkSources } from "./plugin-entries.js";
import { loadRegistry, type PluginRegistry } from "./registry.js";
import {
  configFileSchema,
  type ConfigFile,
  NAME_MESSAGE,
  NAME_PATTERN,
  siemMappingSchema,
  type DestinationCoreOptions,
  type SourceCoreOptions,
} from "./schema.js";
import { checkRules, checkSiemMappings } from "./siem-mappings.js";

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

export { ALL_RULE } from "./siem-mappings.js";

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
  const sources = checkSources(cfg.sources, { registry, issues, secrets });
  const destinations = checkDestinations(cfg.destinations, { registry, issues, secrets });
  const rules = checkRules(cfg.rules, issues);
  const siemMappings = checkSiemMappings({ cfg, baseDir, sources, destinations, rules }, issues);
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
