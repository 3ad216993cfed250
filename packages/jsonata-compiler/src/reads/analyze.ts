/**
 * Which input fields a JSONata expression reads, found statically from its AST (field-reads.ts then gives the
 * "unmapped fields" of an input: a copy of it without those fields).
 *
 * The analysis is a small abstract interpretation. Every sub-expression is evaluated to the set of input
 * locations (field paths, array indices ignored) that its value may *be*; navigating (`a.b`, predicates,
 * `$lookup(x, "k")`) extends those paths without reading them, and using a value (output, operators, function
 * arguments, conditions, object constructors, string concatenation, ...) marks its paths as read, with
 * everything beneath them. It errs on the side of reading more: when in doubt (unknown node types, `$eval`,
 * `*`, `**` or `%` at the top, `$`/`$$` used as a value, `$keys($)`, `$merge([$, ...])`, `$each($, ...)`,
 * `$sift($, ...)`, `$string($)`, a user function called with `$`), the whole input counts as read.
 * A field that is only tested (`$exists(x)`, `x ? ... : ...`) counts as read.
 */
import type { AstNode } from "../ast.js";
import { CONTEXT_FUNCTIONS, literalSymbol } from "./context-functions.js";
import { FieldReads, newNode, type FieldPath } from "./field-reads.js";
import { NODE_READS, type Reader } from "./node-reads.js";
import { ROOT, Scope, type Binding } from "./scope.js";

/** Nodes visited before the analysis gives up and counts the whole input as read (functions calling functions). */
const MAX_STEPS = 200_000;

class BudgetExceeded extends Error {}

class Analyzer implements Reader {
  readsAll = false;
  private steps = 0;
  readonly root = newNode();
  /** Lambdas whose call is being analysed (recursion stops there). */
  private readonly calling = new Set<AstNode>();

  /** The value at these paths is used: they (and everything beneath) are read. */
  consume(origins: readonly FieldPath[]): void {
    for (const path of origins) {
      if (path.length === 0) {
        this.readsAll = true;
        continue;
      }
      let node = this.root;
      for (const segment of path) {
        if (node.full) break;
        let child = node.children.get(segment);
        if (!child) {
          child = newNode();
          node.children.set(segment, child);
        }
        node = child;
      }
      if (!node.full) {
        node.full = true;
        node.children.clear();
      }
    }
  }

  /** The input locations that the value of `node` may be, when evaluated with context `ctx`. */
  eval(node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
    if (++this.steps > MAX_STEPS) throw new BudgetExceeded();
    const result = this.evalNode(node, ctx, scope);
    // Filters of a path step (`stages`) or of any other expression (`predicate`) read relative to each item.
    for (const stage of node.stages ?? []) {
      if (stage.type === "filter" && stage.expr) this.consume(this.eval(stage.expr, result, scope));
    }
    for (const stage of node.predicate ?? []) {
      if (stage.type === "filter" && stage.expr) this.consume(this.eval(stage.expr, result, scope));
    }
    if (node.group) {
      // `a{key: value}` groups the items of `a` into a new object.
      for (const [key, value] of node.group.lhs ?? []) {
        this.consume(this.eval(key, result, scope));
        this.consume(this.eval(value, result, scope));
      }
      return [];
    }
    return result;
  }

  /** Dispatches on the node type (node-reads.ts). */
  private evalNode(node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
    const reads = NODE_READS.get(node.type);
    if (reads) return reads(this, node, ctx, scope);
    // Unknown construct: assume it reads everything rather than leak mapped fields into unmapped ones.
    this.readsAll = true;
    return [];
  }

  /** Use an argument's value; a lambda literal is analysed as a function that may be called. */
  consumeArgument(arg: AstNode, ctx: FieldPath[], scope: Scope): void {
    this.consume(this.eval(arg, ctx, scope));
  }

  /** The lambda that an argument is: a literal, or a variable bound to one (not while analysing its call). */
  private lambdaOf(node: AstNode, ctx: FieldPath[], scope: Scope): Binding["lambda"] {
    if (node.type === "lambda") return { node, scope, ctx };
    if (node.type !== "variable" || node.predicate) return undefined;
    const lambda = scope.lookup(String(node.value))?.lambda;
    return lambda && !this.calling.has(lambda.node) ? lambda : undefined;
  }

  private callLambda(lambda: NonNullable<Binding["lambda"]>, params: FieldPath[][]): FieldPath[] {
    this.calling.add(lambda.node);
    try {
      return this.evalLambda(lambda.node, lambda.ctx, lambda.scope, params);
    } finally {
      this.calling.delete(lambda.node);
    }
  }

  /** Analyse a lambda's body with its parameters bound to `params`; returns the body's origins. */
  evalLambda(node: AstNode, ctx: FieldPath[], scope: Scope, params: FieldPath[][]): FieldPath[] {
    const inner = new Scope(scope);
    (node.arguments ?? []).forEach((param, i) =>
      inner.set(String(param.value), { origins: params[i] ?? [] }),
    );
    return node.body ? this.eval(node.body, ctx, inner) : [];
  }

  evalCall(
    node: AstNode,
    ctx: FieldPath[],
    scope: Scope,
    applied: AstNode | undefined, // `x ~> $f(y)` is `$f(x, y)`
  ): FieldPath[] {
    const argNodes = applied ? [applied, ...(node.arguments ?? [])] : [...(node.arguments ?? [])];
    const proc = node.procedure;
    let name: string | undefined;
    let binding: Binding | undefined;
    if (proc?.type === "variable") {
      name = String(proc.value);
      binding = scope.lookup(name);
    } else if (proc) {
      this.consume(this.eval(proc, ctx, scope));
    }

    if (name === "eval" && !binding) {
      this.readsAll = true; // an expression built at run time can read anything
      for (const arg of argNodes) this.consumeArgument(arg, ctx, scope);
      return [];
    }

    // Arguments, with the context prepended when a built-in takes it in place of a missing first argument.
    type Arg = { node: AstNode | undefined; origins: () => FieldPath[] };
    let args: Arg[] = argNodes.map((n) => ({ node: n, origins: () => this.eval(n, ctx, scope) }));
    const contextInfo = name !== undefined && !binding ? CONTEXT_FUNCTIONS[name] : undefined;
    if (contextInfo) {
      const [types, requiredAfter] = contextInfo;
      const first = argNodes[0] ? literalSymbol(argNodes[0]) : undefined;
      const firstMismatch = first !== undefined && !types.includes("x") && !types.includes(first);
      if (argNodes.length <= requiredAfter || firstMismatch) {
        args = [{ node: undefined, origins: () => ctx }, ...args];
      }
    } else if (binding?.contextFn) {
      this.consume(ctx);
    }

    const lambda = binding?.lambda;
    if (lambda && !this.calling.has(lambda.node)) {
      // A call of a function defined in the mapping: its body navigates the arguments like inline code.
      return this.callLambda(
        lambda,
        args.map((a) => a.origins()),
      );
    }

    if (!binding) {
      const [first, second] = args;
      if (name === "lookup" && first && second?.node?.type === "string" && args.length === 2) {
        const key = String(second.node.value);
        return first.origins().map((p) => [...p, key]);
      }
      const fn = second?.node ? this.lambdaOf(second.node, ctx, scope) : undefined;
      if ((name === "map" || name === "filter" || name === "single") && first && fn) {
        const items = first.origins();
        const body = this.callLambda(fn, [items, [], items]);
        for (const rest of args.slice(2)) this.consume(rest.origins());
        if (name === "map") return body;
        this.consume(body);
        return items;
      }
    }
    for (const arg of args) this.consume(arg.origins());
    return [];
  }
}

/** Which fields of its input the expression with this AST (`jsonata(text).ast()`) reads. */
export function analyzeReads(ast: unknown): FieldReads {
  const analyzer = new Analyzer();
  if (typeof ast !== "object" || ast === null) return new FieldReads(true, analyzer.root);
  try {
    // The expression's result is the output: everything it refers to is read.
    analyzer.consume(analyzer.eval(ast as AstNode, [ROOT], new Scope()));
  } catch (err) {
    if (err instanceof BudgetExceeded) return new FieldReads(true, analyzer.root);
    throw err;
  }
  return new FieldReads(analyzer.readsAll, analyzer.root);
}
