import { z } from "zod";
import type { DestinationPluginDefinition, SourcePluginDefinition } from "./types.js";

/** Declare a plugin. The identity function gives integrators type inference for `create(config)`. */
export function definePlugin<Schema extends z.ZodType>(
  def: SourcePluginDefinition<Schema>,
): SourcePluginDefinition<Schema>;
export function definePlugin<Schema extends z.ZodType>(
  def: DestinationPluginDefinition<Schema>,
): DestinationPluginDefinition<Schema>;
export function definePlugin(
  def: SourcePluginDefinition | DestinationPluginDefinition,
): SourcePluginDefinition | DestinationPluginDefinition {
  return def;
}

const secretSchemas = new WeakSet<z.ZodType>();

/** Mark an option as a secret: it is redacted from logs, errors, `status` and `plugins` output. */
export function secret<T extends z.ZodType>(schema: T): T {
  const marked = schema.meta({ writeOnly: true, "x-secret": true });
  secretSchemas.add(marked);
  return marked;
}

/** True for a schema made by `secret()`, or derived from one by `.describe()` / `.meta()` (they keep the mark). */
export function isSecretSchema(schema: z.ZodType): boolean {
  return secretSchemas.has(schema) || z.globalRegistry.get(schema)?.["x-secret"] === true;
}

/** Unwrap optional/default/nullable wrappers to reach the schema that carries the secret mark. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const seen: z.ZodType[] = [schema];
  let current: z.ZodType = schema;
  for (let i = 0; i < 8; i++) {
    const def = (current as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType } }).def;
    const inner = def.innerType ?? def.in;
    if (!inner) break;
    seen.push(inner);
    current = inner;
  }
  return seen;
}

/** Collect the string values of every option marked `secret()` in a parsed config. */
export function collectSecretValues(
  schema: z.ZodType,
  value: unknown,
  out: Set<string> = new Set(),
): Set<string> {
  if (value === undefined || value === null) return out;
  const layers = unwrap(schema);
  if (layers.some(isSecretSchema)) {
    if (typeof value === "string" && value.length > 0) out.add(value);
    else if (typeof value === "object") for (const s of stringsIn(value)) out.add(s);
    return out;
  }
  for (const layer of layers) {
    const def = (
      layer as unknown as { def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType } }
    ).def;
    if (def.type === "object" && def.shape && typeof value === "object") {
      for (const [key, child] of Object.entries(def.shape)) {
        collectSecretValues(child, (value as Record<string, unknown>)[key], out);
      }
    } else if (def.type === "array" && def.element && Array.isArray(value)) {
      for (const item of value) collectSecretValues(def.element, item, out);
    }
  }
  return out;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return value ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}
