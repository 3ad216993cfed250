/**
 * The transform operator `| pattern | update [, delete] |`: a function that copies its argument with
 * `$clone` (looked up where the transform was written, as jsonata does), then merges `update` into every
 * match of `pattern` and removes the `delete` keys, with jsonata's errors (T2011, T2012, T2013).
 */
import { apply, functionValue } from "./calls.js";
import { jerror } from "./errors.js";
import { SIGNATURES } from "./natives.js";
import { partialNative } from "./partial.js";
import { isFunction } from "./sequence.js";
import type { AstNode } from "../ast.js";
import type { Code } from "./types.js";

export interface TransformParts {
  node: AstNode;
  pattern: Code;
  update: Code;
  remove: Code | undefined;
}

/** What the interpreter's transformer function is written as, for partial application. */
async function transformer(obj: unknown): Promise<unknown> {
  return Promise.resolve(obj);
}

export function compileTransform({ node, pattern, update, remove }: TransformParts): Code {
  const position = node.position;
  const updatePosition = node.update?.position;
  const deletePosition = node.delete?.position;
  const signature = SIGNATURES.transform;
  return (_input, env) => {
    const run = (obj: unknown): unknown => {
      if (obj === undefined) return undefined;
      const clone = env.lookup("clone");
      if (!isFunction(clone)) throw jerror("T2013", { position });
      const result = apply(clone, [obj], null, env);
      let matches = pattern(result, env);
      if (matches === undefined) return result;
      if (!Array.isArray(matches)) matches = [matches];
      for (const match of matches as unknown[]) {
        const changes = update(match, env);
        if (changes !== undefined) {
          if (typeof changes !== "object" || changes === null || Array.isArray(changes)) {
            throw jerror("T2011", { position: updatePosition, value: changes });
          }
          for (const prop of Object.keys(changes)) {
            (match as Record<string, unknown>)[prop] = (changes as Record<string, unknown>)[prop];
          }
        }
        if (remove === undefined) continue;
        let deletions = remove(match, env);
        if (deletions === undefined) continue;
        const value = deletions;
        if (!Array.isArray(deletions)) deletions = [deletions];
        if (!(deletions as unknown[]).every((d) => typeof d === "string")) {
          throw jerror("T2012", { position: deletePosition, value });
        }
        for (const key of deletions as string[]) {
          if (typeof match === "object" && match !== null) delete (match as Record<string, unknown>)[key];
        }
      }
      return result;
    };
    const fn = functionValue("object", 1, (args, input) => run(signature.validate(args, input)[0]));
    fn.partial = (args) => partialNative(transformer, args, (_env, a) => run(a[0]));
    return fn;
  };
}
