/** JSON Schema of the whole configuration file, plugin options included (`logshipper schema`). */
import { z } from "zod";
import type { PluginRegistry } from "./registry.js";
import { configFileSchema, destinationCoreSchema, sourceCoreSchema } from "./schema.js";

function variant(core: z.ZodObject, name: string, description: string, schema: z.ZodType): z.ZodType {
  const def = (schema as unknown as { def: { type: string; shape?: z.ZodRawShape } }).def;
  const own = def.type === "object" && def.shape ? def.shape : {};
  return core
    .extend({ plugin: z.literal(name) })
    .extend(own)
    .strict()
    .meta({ title: name, description });
}

export function configJsonSchema(registry: PluginRegistry): unknown {
  const sources = [...registry.sources.values()].map((p) =>
    variant(sourceCoreSchema, p.name, p.description, p.configSchema),
  );
  const destinations = [...registry.destinations.values()].map((p) =>
    variant(destinationCoreSchema, p.name, p.description, p.configSchema),
  );
  const anyOf = (list: z.ZodType[]) =>
    list.length === 1 ? list[0]! : z.union(list as [z.ZodType, z.ZodType]);
  const file = configFileSchema.extend({
    sources: z.record(z.string(), anyOf(sources)).optional(),
    destinations: z.record(z.string(), anyOf(destinations)).optional(),
  });
  return z.toJSONSchema(file, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
}
