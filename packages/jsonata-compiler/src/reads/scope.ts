/**
 * The variables of the read analysis (analyze.ts): what each `$name` may be, by lexical scope, and the
 * union of two sets of origins.
 */
import type { AstNode } from "../ast.js";
import type { FieldPath } from "./field-reads.js";

/** The path of the whole input. */
export const ROOT: FieldPath = [];

/** What the analysis knows of a variable. */
export interface Binding {
  /** The input locations its value may be. */
  origins: FieldPath[];
  /** A lambda with a signature that takes the context (`<s-:s>`): calls may read the context. */
  contextFn?: boolean;
  /** A lambda literal bound with `:=`: calls are analysed with its parameters bound to the arguments. */
  lambda?: { node: AstNode; scope: Scope; ctx: FieldPath[] };
}

/** A block, lambda or `@$x` step's variables, falling back to the enclosing scope's. */
export class Scope {
  private readonly vars = new Map<string, Binding>();
  constructor(private readonly parent?: Scope) {}
  set(name: string, binding: Binding): void {
    this.vars.set(name, binding);
  }
  lookup(name: string): Binding | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
}

/** Both sets of origins, without duplicates (either one as it is when the other is empty). */
export function union(a: FieldPath[], b: FieldPath[]): FieldPath[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const seen = new Set(a.map((p) => p.join("\u0000")));
  const out = [...a];
  for (const p of b) {
    const key = p.join("\u0000");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}
