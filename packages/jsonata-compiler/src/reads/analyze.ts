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
import { CONTEXT_FUNCTIONS, literalSymbol, signatureTakesContext } from "./context-functions.js";
import { FieldReads, newNode, type FieldPath } from "./field-reads.js";

const ROOT: FieldPath = [];

interface Binding {
  origins: FieldPath[];
  /** A lambda with a signature that takes the context (`<s-:s>`): calls may read the context. */
  contextFn?: boolean;
  /** A lambda literal bound with `:=`: calls are analysed with its parameters bound to the arguments. */
  lambda?: { node: AstNode; scope: Scope; ctx: FieldPath[] };
}

class Scope {
  private readonly vars = new Map<string, Binding>();
  constructor(private readonly parent?: Scope) {}
  set(name: string, binding: Binding): void {
    this.vars.set(name, binding);
  }
  lookup(name: string): Binding | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
}

function union(a: FieldPath[], b: FieldPath[]): FieldPath[] {
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

/** Nodes visited before the analysis gives up and counts the whole input as read (functions calling functions). */
const MAX_STEPS = 200_000;

class BudgetExceeded extends Error {}

class Analyzer {
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

  private evalNode(node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
    switch (node.type) {
      case "path":
        return this.evalPath(node, ctx, scope);
      case "name": {
        const name = String(node.value);
        return ctx.map((p) => [...p, name]);
      }
      case "string":
      case "number":
      case "value":
      case "regex":
      case "regexp":
      case "operator":
        return [];
      case "variable": {
        const name = String(node.value);
        if (name === "") return ctx; // $: the context
        if (name === "$") return [ROOT]; // $$: the input
        return scope.lookup(name)?.origins ?? []; // $id, $type... and functions are not input
      }
      case "wildcard":
      case "descendant":
        this.consume(ctx);
        return [];
      case "parent": {
        // `a.b.%` is `a` only where `a.b` exists: the step before counts as read.
        this.consume(ctx);
        const parents: FieldPath[] = [];
        for (const p of ctx) {
          if (p.length === 0) this.readsAll = true;
          else parents.push(p.slice(0, -1));
        }
        if (ctx.length === 0) this.readsAll = true; // cannot tell which object: be safe
        return parents;
      }
      case "block": {
        const inner = new Scope(scope);
        let last: FieldPath[] = [];
        for (const expr of node.expressions ?? []) last = this.eval(expr, ctx, inner);
        return last;
      }
      case "bind": {
        const lhs = node.lhs as AstNode | undefined;
        const rhs = node.rhs as AstNode | undefined;
        const origins = rhs ? this.eval(rhs, ctx, scope) : [];
        if (lhs) {
          const binding: Binding = { origins };
          if (rhs?.type === "lambda") {
            binding.contextFn = signatureTakesContext(rhs);
            binding.lambda = { node: rhs, scope, ctx };
          }
          scope.set(String(lhs.value), binding);
        }
        return origins;
      }
      case "condition": {
        if (node.condition) this.consume(this.eval(node.condition, ctx, scope));
        const then = node.then ? this.eval(node.then, ctx, scope) : [];
        const otherwise = node.else ? this.eval(node.else, ctx, scope) : [];
        return union(then, otherwise);
      }
      case "binary": {
        if (node.lhs) this.consume(this.eval(node.lhs as AstNode, ctx, scope));
        if (node.rhs) this.consume(this.eval(node.rhs as AstNode, ctx, scope));
        return [];
      }
      case "unary":
        return this.evalUnary(node, ctx, scope);
      case "function":
        return this.evalCall(node, ctx, scope, undefined);
      case "partial": {
        for (const arg of node.arguments ?? []) this.consumeArgument(arg, ctx, scope);
        if (node.procedure) this.consume(this.eval(node.procedure, ctx, scope));
        return [];
      }
      case "apply": {
        const lhs = node.lhs as AstNode | undefined;
        const rhs = node.rhs as AstNode | undefined;
        if (rhs?.type === "function" && lhs) return this.evalCall(rhs, ctx, scope, lhs);
        if (lhs) this.consume(this.eval(lhs, ctx, scope));
        if (rhs) this.consumeArgument(rhs, ctx, scope);
        return [];
      }
      case "lambda":
        this.consume(this.evalLambda(node, ctx, scope, []));
        return [];
      case "transform": {
        // A function that copies its argument: whoever applies it consumes the argument. Inside, `$` is that copy.
        const inner = new Scope(scope);
        for (const part of [node.pattern, node.update, node.delete]) {
          if (part) this.consume(this.eval(part, [], inner));
        }
        return [];
      }
      case "sort": {
        for (const term of node.terms ?? []) {
          if (term.expression) this.consume(this.eval(term.expression, ctx, scope));
        }
        return ctx;
      }
      default:
        // Unknown construct: assume it reads everything rather than leak mapped fields into unmapped ones.
        this.readsAll = true;
        return [];
    }
  }

  private evalPath(node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
    let current = ctx;
    let pathScope = scope;
    for (const step of node.steps ?? []) {
      const result = this.eval(step, current, pathScope);
      if (step.focus !== undefined) {
        // `a@$x`: binds $x to each item of `a`; the context does not move on.
        pathScope = new Scope(pathScope);
        pathScope.set(step.focus, { origins: result });
      } else {
        current = result;
      }
    }
    return current;
  }

  private evalUnary(node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
    switch (node.value) {
      case "[": {
        // An array constructor holds references: `[a, b].c` reads a.c and b.c.
        let out: FieldPath[] = [];
        for (const expr of node.expressions ?? []) out = union(out, this.eval(expr, ctx, scope));
        return out;
      }
      case "{": {
        const pairs = Array.isArray(node.lhs) ? node.lhs : [];
        for (const [key, value] of pairs) {
          this.consume(this.eval(key, ctx, scope));
          this.consume(this.eval(value, ctx, scope));
        }
        return [];
      }
      default:
        if (node.expression) this.consume(this.eval(node.expression, ctx, scope));
        return [];
    }
  }

  /** Use an argument's value; a lambda literal is analysed as a function that may be called. */
  private consumeArgument(arg: AstNode, ctx: FieldPath[], scope: Scope): void {
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
  private evalLambda(node: AstNode, ctx: FieldPath[], scope: Scope, params: FieldPath[][]): FieldPath[] {
    const inner = new Scope(scope);
    (node.arguments ?? []).forEach((param, i) =>
      inner.set(String(param.value), { origins: params[i] ?? [] }),
    );
    return node.body ? this.eval(node.body, ctx, inner) : [];
  }

  private evalCall(
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
