import { describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "./helpers.js";

describe("configuration errors", () => {
  it("reports every problem with its path and exits 2", async () => {
    const dir = tempDir();
    const config = writeConfig(
      dir,
      `
state: { dir: state, sync: sometimes }
sources:
  alerts: { plugin: file, path: a.ndjson, format: xml, timeFeld: ts }
  other: { plugin: nosuch }
destinations:
  out: { plugin: file, key: "{nope}/{file}", maxObjectAge: soon }
  secret: { plugin: file, dir: out, dedup: { ttl: 7 } , token: "\${MISSING_VAR}" }
rules:
  bad: severity == 
siemMappings:
  - { source: alerts, rule: missing-rule, destination: nowhere }
  - { source: ghost, destination: out, mapping: does-not-exist.jsonata }
`,
    );
    const result = await runCli(["validate", "-c", config]);
    expect(result.code).toBe(2);
    const expected = [
      "state.sync",
      "sources.alerts.format",
      "sources.alerts.timeFeld",
      "sources.other.plugin",
      "destinations.out.dir",
      "destinations.out.key",
      "destinations.out.maxObjectAge",
      "destinations.secret.token",
      "rules.bad",
      "siemMappings[0].rule",
      "siemMappings[0].destination",
      "siemMappings[1].source",
      "siemMappings[1].mapping",
    ];
    for (const p of expected) expect(result.stderr).toContain(`  ${p}: `);
    expect(result.stderr).toMatch(/rules\.bad: .*line 1, column \d+/);
    expect(result.stderr).toMatch(/MISSING_VAR is not set/);
  });

  it("exits 2 on a file that is not YAML and on unknown commands", async () => {
    const dir = tempDir();
    const config = writeConfig(dir, "sources: [unclosed\n  : :");
    expect((await runCli(["validate", "-c", config])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["run", "-c", `${dir}/missing.yaml`])).code).toBe(2);
  });
});
