/**
 * Plugin packages: finding them, reading what their package.json says they provide, importing them.
 *
 * Every plugin reaches core this one way, the built-in `file` plugin included (core's own package.json
 * declares it, under the `./plugins/file` export): a bundled package lists its plugins and CLI commands in its
 * package.json (`logshipper`), so core knows names without importing anything, and imports a package only
 * when a configuration or a command line uses it (the AWS SDK behind `s3` costs a syslog-only run nothing).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { PluginDefinition } from "../sdk/types.js";

/** Packages that load by default when they are installed next to core (core itself: the `file` plugin). */
export const BUNDLED_PACKAGES = [
  "@logshipper/core",
  "@logshipper/plugin-s3",
  "@logshipper/plugin-cloudtrail-lake",
  "@logshipper/plugin-syslog",
];

export type PluginKind = PluginDefinition["kind"];

/** A CLI command or command group a package contributes, as its manifest names it (for help, unimported). */
export interface CommandManifest {
  name: string[];
  description: string;
}

/** What a package's package.json says it provides (`logshipper`), without importing it. */
export interface PackageManifest {
  /** The export that holds the plugins and commands (`./plugins/file`); default the package root. */
  entry?: string;
  plugins: { name: string; kind: PluginKind }[];
  commands?: CommandManifest[];
}

/** Resolve relative to the configuration first (the user's project), then to core itself. */
function resolveFrom(specifier: string, baseDir: string): string {
  try {
    return createRequire(path.join(baseDir, "noop.js")).resolve(specifier);
  } catch {
    return createRequire(import.meta.url).resolve(specifier);
  }
}

/** Import a package (or a path relative to `baseDir`), found as `resolveFrom` finds it. */
export async function importFrom(specifier: string, baseDir: string): Promise<Record<string, unknown>> {
  let target: string;
  try {
    target = pathToFileURL(resolveFrom(specifier, baseDir)).href;
  } catch {
    target = specifier.startsWith(".") ? pathToFileURL(path.resolve(baseDir, specifier)).href : specifier;
  }
  return (await import(target)) as Record<string, unknown>;
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
  const { plugins, entry, commands } = json.logshipper ?? {};
  if (!Array.isArray(plugins)) return undefined;
  return {
    plugins,
    ...(typeof entry === "string" && { entry }),
    ...(Array.isArray(commands) && { commands }),
  };
}

/** The module specifier of a package's entry: `@logshipper/core` + `./plugins/file`. */
export function entrySpecifier(pkg: string, manifest: PackageManifest | undefined): string {
  const entry = manifest?.entry;
  return entry && entry !== "." ? `${pkg}/${entry.replace(/^\.\//, "")}` : pkg;
}

/** Import a bundled package's entry. */
export function importBundled(
  pkg: string,
  manifest: PackageManifest | undefined,
  baseDir: string,
): Promise<Record<string, unknown>> {
  return importFrom(entrySpecifier(pkg, manifest), baseDir);
}
