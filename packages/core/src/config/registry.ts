/**
 * Plugin registry: the bundled packages when installed (core's own `file` plugin among them) and `plugins:`.
 * Every plugin is found the same way, through its package's manifest (see packages.ts), so a configuration is
 * loaded with only the packages it uses.
 */
import type { DestinationPluginDefinition, PluginDefinition, SourcePluginDefinition } from "../sdk/types.js";
import {
  BUNDLED_PACKAGES,
  bundledManifest,
  importBundled,
  importFrom,
  type PackageManifest,
  type PluginKind,
} from "./packages.js";

export class PluginRegistry {
  readonly sources = new Map<string, SourcePluginDefinition>();
  readonly destinations = new Map<string, DestinationPluginDefinition>();
  /** Installed bundled packages that were not imported (the configuration uses none of their plugins). */
  private notLoaded: { pkg: string; baseDir: string; manifest: PackageManifest | undefined }[] = [];

  /** Every plugin name of a kind, loaded or not: what error messages offer. */
  names(kind: PluginKind): string[] {
    const loaded = kind === "source" ? this.sources : this.destinations;
    const names = new Set([...loaded.keys()]);
    for (const { manifest } of this.notLoaded)
      for (const p of manifest?.plugins ?? []) if (p.kind === kind) names.add(p.name);
    return [...names].sort();
  }

  skip(pkg: string, baseDir: string, manifest: PackageManifest | undefined): void {
    this.notLoaded.push({ pkg, baseDir, manifest });
  }

  /** Import the bundled packages skipped so far (`plugins`, `schema`: everything installed). */
  async loadAll(): Promise<this> {
    const rest = this.notLoaded;
    this.notLoaded = [];
    for (const { pkg, baseDir, manifest } of rest)
      for (const def of definitionsIn(await importBundled(pkg, manifest, baseDir))) this.add(def);
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

export interface RegistryIssue {
  path: string;
  message: string;
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
    for (const def of definitionsIn(await importBundled(pkg, manifest, baseDir))) registry.add(def);
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
