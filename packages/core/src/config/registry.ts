/**
 * Plugin registry: the built-in `file` plugins, the bundled plugin packages when installed, and `plugins:`.
 *
 * A bundled package lists its plugins in its package.json (`logshipper.plugins`), so a configuration is loaded
 * with only the packages it uses: the AWS SDK behind `s3` and `cloudtrail-lake` costs a run that ships to
 * syslog nothing (it would be most of the start-up time and a tenth of the memory).
 */
import fs from "node:fs";
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

type PluginKind = PluginDefinition["kind"];

/** What a bundled package's package.json says it provides, without importing it. */
interface PackageManifest {
  plugins: { name: string; kind: PluginKind }[];
}

export class PluginRegistry {
  readonly sources = new Map<string, SourcePluginDefinition>();
  readonly destinations = new Map<string, DestinationPluginDefinition>();
  /** Installed bundled packages that were not imported (the configuration uses none of their plugins). */
  private notLoaded: { pkg: string; baseDir: string; manifest: PackageManifest }[] = [];

  /** Every plugin name of a kind, loaded or not: what error messages offer. */
  names(kind: PluginKind): string[] {
    const loaded = kind === "source" ? this.sources : this.destinations;
    const names = new Set([...loaded.keys()]);
    for (const { manifest } of this.notLoaded)
      for (const p of manifest.plugins) if (p.kind === kind) names.add(p.name);
    return [...names].sort();
  }

  skip(pkg: string, baseDir: string, manifest: PackageManifest): void {
    this.notLoaded.push({ pkg, baseDir, manifest });
  }

  /** Import the bundled packages skipped so far (`plugins`, `schema`: everything installed). */
  async loadAll(): Promise<this> {
    const rest = this.notLoaded;
    this.notLoaded = [];
    for (const { pkg, baseDir } of rest)
      for (const def of definitionsIn(await importFrom(pkg, baseDir))) this.add(def);
    return this;
  }

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

/** Resolve relative to the configuration first (the user's project), then to core itself. */
function resolveFrom(specifier: string, baseDir: string): string {
  try {
    return createRequire(path.join(baseDir, "noop.js")).resolve(specifier);
  } catch {
    return createRequire(import.meta.url).resolve(specifier);
  }
}

async function importFrom(specifier: string, baseDir: string): Promise<Record<string, unknown>> {
  let target: string;
  try {
    target = pathToFileURL(resolveFrom(specifier, baseDir)).href;
  } catch {
    target = specifier.startsWith(".") ? pathToFileURL(path.resolve(baseDir, specifier)).href : specifier;
  }
  return (await import(target)) as Record<string, unknown>;
}

export interface RegistryIssue {
  path: string;
  message: string;
}

/** The manifest of an installed bundled package; null when it is not installed, undefined when it has none. */
export function bundledManifest(pkg: string, baseDir: string): PackageManifest | null | undefined {
  let file: string;
  try {
    file = resolveFrom(`${pkg}/package.json`, baseDir);
  } catch {
    return null;
  }
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as { logshipper?: Partial<PackageManifest> };
  const plugins = json.logshipper?.plugins;
  return Array.isArray(plugins) ? { plugins } : undefined;
}

/** Plugins a configuration uses, by kind; the bundled packages providing none of them are not imported. */
export interface WantedPlugins {
  sources: Iterable<string>;
  destinations: Iterable<string>;
}

/** Load the registry: every bundled package, or (given `wanted`) only those providing a wanted plugin. */
export async function loadRegistry(
  extra: string[],
  baseDir: string,
  issues: RegistryIssue[],
  wanted?: WantedPlugins,
): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  registry.add(fileSource);
  registry.add(fileDestination);
  const want = wanted && {
    source: new Set(wanted.sources),
    destination: new Set(wanted.destinations),
  };
  for (const pkg of BUNDLED_PACKAGES) {
    const manifest = bundledManifest(pkg, baseDir);
    if (manifest === null) continue;
    if (want && manifest && !manifest.plugins.some((p) => want[p.kind].has(p.name))) {
      registry.skip(pkg, baseDir, manifest);
      continue;
    }
    for (const def of definitionsIn(await importFrom(pkg, baseDir))) registry.add(def);
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
