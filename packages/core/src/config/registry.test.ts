import { describe, expect, it } from "vitest";
import { BUNDLED_PACKAGES, bundledManifest, loadRegistry } from "./registry.js";

const here = process.cwd();

describe("plugin registry", () => {
  it("each bundled package's manifest names exactly the plugins it defines", async () => {
    const all = await loadRegistry([], here, []);
    for (const pkg of BUNDLED_PACKAGES) {
      const manifest = bundledManifest(pkg, here);
      expect(manifest, pkg).toBeTruthy();
      const { plugins } = (await import(pkg)) as { plugins: { name: string; kind: string }[] };
      const defined = plugins.map((p) => `${p.kind}:${p.name}`).sort();
      expect(manifest!.plugins.map((p) => `${p.kind}:${p.name}`).sort(), pkg).toEqual(defined);
      for (const p of plugins) {
        const loaded = p.kind === "source" ? all.sources : all.destinations;
        expect(loaded.has(p.name), `${pkg} ${p.kind} ${p.name}`).toBe(true);
      }
    }
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
