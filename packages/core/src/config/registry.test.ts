import { describe, expect, it } from "vitest";
import { BUNDLED_PACKAGES, bundledManifest, entrySpecifier } from "./packages.js";
import { loadRegistry } from "./registry.js";

const here = process.cwd();

describe("plugin registry", () => {
  it("each bundled package's manifest names exactly the plugins it defines", async () => {
    const all = await loadRegistry([], here, []);
    for (const pkg of BUNDLED_PACKAGES) {
      const manifest = bundledManifest(pkg, here);
      expect(manifest, pkg).toBeTruthy();
      const { plugins } = (await import(entrySpecifier(pkg, manifest!))) as {
        plugins: { name: string; kind: string }[];
      };
      const defined = plugins.map((p) => `${p.kind}:${p.name}`).sort();
      expect(manifest!.plugins.map((p) => `${p.kind}:${p.name}`).sort(), pkg).toEqual(defined);
      for (const p of plugins) {
        const loaded = p.kind === "source" ? all.sources : all.destinations;
        expect(loaded.has(p.name), `${pkg} ${p.kind} ${p.name}`).toBe(true);
      }
    }
  });

  it("each bundled package's manifest names exactly the CLI commands it exports, with their descriptions", async () => {
    let seen = 0;
    for (const pkg of BUNDLED_PACKAGES) {
      const manifest = bundledManifest(pkg, here);
      const module = (await import(entrySpecifier(pkg, manifest!))) as {
        commands?: { name: string[]; description: string }[];
      };
      const exported = (module.commands ?? []).map((c) => `${c.name.join(" ")}: ${c.description}`).sort();
      const listed = (manifest?.commands ?? []).map((c) => `${c.name.join(" ")}: ${c.description}`).sort();
      expect(listed, pkg).toEqual(exported);
      seen += exported.length;
    }
    // `lake` and `lake query` at least: a check over nothing would pass for any manifest.
    expect(seen).toBeGreaterThanOrEqual(2);
  });

  it("finds the built-in file plugin through core's own manifest, like any bundled package", () => {
    const manifest = bundledManifest("@logshipper/core", here);
    expect(manifest?.entry).toBe("./plugins/file");
    expect(entrySpecifier("@logshipper/core", manifest!)).toBe("@logshipper/core/plugins/file");
    expect(manifest?.plugins.map((p) => `${p.kind}:${p.name}`)).toEqual(["source:file", "destination:file"]);
  });

  it("imports only the bundled packages a configuration uses, and names the others", async () => {
    const registry = await loadRegistry([], here, [], { sources: ["file"], destinations: ["syslog"] });
    expect([...registry.destinations.keys()].sort()).toEqual(["file", "syslog"]);
    expect([...registry.sources.keys()].sort()).toEqual(["file", "syslog"]);
    expect(registry.names("destination")).toEqual(["cloudtrail-lake", "file", "s3", "syslog"]);
    expect(registry.names("source")).toEqual(["file", "s3", "syslog"]);

    await registry.loadAll();
    expect([...registry.destinations.keys()].sort()).toEqual(["cloudtrail-lake", "file", "s3", "syslog"]);
    expect(registry.names("source")).toEqual(["file", "s3", "syslog"]);
  });

  it("imports nothing bundled for a file-to-file configuration", async () => {
    const registry = await loadRegistry([], here, [], { sources: ["file"], destinations: ["file"] });
    expect(registry.list().map((p) => `${p.kind}:${p.name}`)).toEqual(["source:file", "destination:file"]);
  });
});
