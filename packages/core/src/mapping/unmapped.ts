/**
 * Which input fields a JSONata expression reads, found statically from its AST, and the "unmapped fields" of a
 * record: a copy of its data without those fields (Cloud Exchange's "Add Additional Data", DESIGN §6).
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

/** A node of the AST that `jsonata(text).ast()` returns (only the members this module looks at). */
interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  stages?: AstNode[];
  predicate?: AstNode[];
  expr?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  body?: AstNode;
  signature?: { definition?: string };
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  expression?: AstNode;
  terms?: { expression?: AstNode }[];
  group?: { lhs?: [AstNode, AstNode][] };
  focus?: string;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
}

/** A field path in the input: `[]` is the whole input, `["user", "name"]` is `user.name`. */
type FieldPath = readonly string[];

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

/**
 * Built-in functions whose first parameter takes the context when it is left out (`-` in the signature):
 * accepted types of that parameter, and how many parameters after it are required. `a.$uppercase()` reads `a`.
 */
const CONTEXT_FUNCTIONS: Record<string, [types: string, requiredAfter: number]> = {
  string: ["x", 0],
  substring: ["s", 1],
  substringBefore: ["s", 1],
  substringAfter: ["s", 1],
  lowercase: ["s", 0],
  uppercase: ["s", 0],
  length: ["s", 0],
  trim: ["s", 0],
  pad: ["s", 1],
  match: ["s", 1],
  contains: ["s", 1],
  replace: ["s", 2],
  split: ["s", 1],
  formatNumber: ["n", 1],
  formatBase: ["n", 0],
  formatInteger: ["n", 1],
  parseInteger: ["s", 1],
  number: ["nsb", 0],
  floor: ["n", 0],
  ceil: ["n", 0],
  round: ["n", 0],
  abs: ["n", 0],
  sqrt: ["n", 0],
  power: ["n", 1],
  boolean: ["x", 0],
  not: ["x", 0],
  sift: ["o", 0],
  keys: ["x", 0],
  lookup: ["x", 1],
  spread: ["x", 0],
  each: ["o", 1],
  base64encode: ["s", 0],
  base64decode: ["s", 0],
  encodeUrlComponent: ["s", 0],
  encodeUrl: ["s", 0],
  decodeUrlComponent: ["s", 0],
  decodeUrl: ["s", 0],
  toMillis: ["s", 0],
  fromMillis: ["n", 0],
  clone: ["oa", 0],
};

/** The JSONata type symbol of a literal argument, or undefined when it is only known at run time. */
function literalSymbol(node: AstNode): string | undefined {
  switch (node.type) {
    case "string":
      return "s";
    case "number":
      return "n";
    case "value":
      return node.value === null ? "l" : "b";
    case "lambda":
      return "f";
    case "unary":
      return node.value === "[" ? "a" : node.value === "{" ? "o" : node.value === "-" ? "n" : undefined;
    default:
      return undefined;
  }
}

function signatureTakesContext(node: AstNode): boolean {
  return node.signature?.definition?.includes("-") ?? false;
}

interface TrieNode {
  full: boolean;
  children: Map<string, TrieNode>;
}

function newNode(): TrieNode {
  return { full: false, children: new Map() };
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
        const origins = node.rhs ? this.eval(node.rhs, ctx, scope) : [];
        if (lhs) {
          const binding: Binding = { origins };
          if (node.rhs?.type === "lambda") {
            binding.contextFn = signatureTakesContext(node.rhs);
            binding.lambda = { node: node.rhs, scope, ctx };
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
        if (node.rhs) this.consume(this.eval(node.rhs, ctx, scope));
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
        if (node.rhs?.type === "function" && lhs) return this.evalCall(node.rhs, ctx, scope, lhs);
        if (lhs) this.consume(this.eval(lhs, ctx, scope));
        if (node.rhs) this.consumeArgument(node.rhs, ctx, scope);
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

/** The fields an expression reads, and how to take them out of a record's data. */
export class FieldReads {
  /** True when the expression reads the whole input: nothing is ever unmapped. */
  readonly readsAll: boolean;
  /** The paths read, as segments, sorted; a path covers everything beneath it. Empty when `readsAll`. */
  readonly paths: readonly (readonly string[])[];
  /** The same in JSONata notation: `user.name`, `` `src ip` ``; just `$` when `readsAll`. */
  readonly readPaths: ReadonlySet<string>;
  private readonly root: TrieNode;

  constructor(readsAll: boolean, root: TrieNode) {
    this.readsAll = readsAll;
    this.root = readsAll ? newNode() : root;
    const paths: string[][] = [];
    const walk = (node: TrieNode, prefix: string[]): void => {
      if (node.full) {
        paths.push(prefix);
        return;
      }
      for (const [segment, child] of node.children) walk(child, [...prefix, segment]);
    };
    if (!readsAll) walk(root, []);
    const display = paths.map(formatFieldPath);
    const order = display.map((_, i) => i).sort((a, b) => (display[a]! < display[b]! ? -1 : 1));
    this.paths = order.map((i) => paths[i]!);
    this.readPaths = new Set(readsAll ? ["$"] : order.map((i) => display[i]!));
  }

  /**
   * A copy of `data` without the fields read, removing nested paths precisely (reading `user.name` keeps
   * `user.email`; through arrays, reading `items.id` keeps the other members of each item). Returns undefined
   * when nothing is left, when the whole input is read, or when `data` is not an object. Values the mapping
   * never touched are shared with `data`, not cloned: treat the result as read-only.
   */
  unmappedFields(data: unknown): Record<string, unknown> | undefined {
    if (this.readsAll || !isObject(data)) return undefined;
    const rest = stripObject(data, this.root);
    if (rest === REMOVED) return undefined;
    const out = rest === data ? { ...data } : rest;
    return Object.keys(out).length === 0 ? undefined : out;
  }
}

const REMOVED = Symbol("removed");

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stripValue(value: unknown, node: TrieNode): unknown {
  if (Array.isArray(value)) {
    // Paths go through arrays (`items.id` reads the `id` of every item).
    if (value.length === 0) return value;
    let changed = false;
    const out: unknown[] = [];
    for (const item of value) {
      const rest = stripValue(item, node);
      if (rest !== item) changed = true;
      if (rest !== REMOVED) out.push(rest);
    }
    if (!changed) return value;
    return out.length === 0 ? REMOVED : out;
  }
  if (isObject(value)) return stripObject(value, node);
  return value; // a scalar where the mapping looked for members: not read
}

function stripObject(obj: Record<string, unknown>, node: TrieNode): Record<string, unknown> | typeof REMOVED {
  const entries: [string, unknown][] = [];
  let changed = false;
  for (const [key, value] of Object.entries(obj)) {
    const child = node.children.get(key);
    if (!child) {
      entries.push([key, value]);
      continue;
    }
    if (child.full) {
      changed = true;
      continue;
    }
    const rest = stripValue(value, child);
    if (rest === REMOVED) {
      changed = true;
      continue;
    }
    if (rest !== value) changed = true;
    entries.push([key, rest]);
  }
  if (!changed) return obj;
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return entries.length === 0 ? REMOVED : Object.fromEntries(entries);
}

/** `["user", "name"]` -> `user.name`; segments that are not plain names are back-quoted as in JSONata. */
export function formatFieldPath(path: readonly string[]): string {
  if (path.length === 0) return "$";
  return path.map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `\`${s}\``)).join(".");
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
