import { z } from "zod";
import { configJsonSchema } from "../config/json-schema.js";
import { loadRegistry } from "../config/registry.js";
import { CliError, EXIT_USAGE, load } from "./context.js";

async function registry(configFile?: string) {
  if (configFile) return (await load(configFile)).config.registry.loadAll();
  const issues: { path: string; message: string }[] = [];
  const reg = await loadRegistry([], process.cwd(), issues);
  if (issues.length) throw new CliError(issues.map((i) => `${i.path}: ${i.message}`).join("\n"), EXIT_USAGE);
  return reg;
}

interface JsonSchemaObject {
  properties?: Record<string, { description?: string; type?: string; default?: unknown; enum?: unknown[] }>;
  required?: string[];
}

export async function pluginsCommand(options: { json?: boolean; config?: string }): Promise<void> {
  const reg = await registry(options.config);
  const list = reg.list().map((p) => ({
    name: p.name,
    kind: p.kind,
    description: p.description,
    options: z.toJSONSchema(p.configSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaObject,
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  for (const p of list) {
    process.stdout.write(`${p.name} (${p.kind}): ${p.description}\n`);
    const required = new Set(p.options.required ?? []);
    for (const [key, prop] of Object.entries(p.options.properties ?? {})) {
      const bits = [prop.type ?? (prop.enum ? prop.enum.map(String).join("|") : "")];
      if (required.has(key) && prop.default === undefined) bits.push("required");
      if (prop.default !== undefined) bits.push(`default ${JSON.stringify(prop.default)}`);
      process.stdout.write(
        `  ${key}  ${bits.filter(Boolean).join(", ")}${prop.description ? `  ${prop.description}` : ""}\n`,
      );
    }
  }
}

export async function schemaCommand(options: { config?: string }): Promise<void> {
  process.stdout.write(`${JSON.stringify(configJsonSchema(await registry(options.config)), null, 2)}\n`);
}
