/**
 * The compiler proper: one method per kind of AST node, each returning a closure over its children's
 * closures. A node or built-in outside the compiled subset throws `Unsupported` with the reason.
 */
import { compileCall, makeLambda, Thunk, type CompiledFn } from "./calls.js";
import { compileArray, compileGroup } from "./constructors.js";
import type { Env } from "./env.js";
import { BUILTINS, NOT_COMPILED } from "./functions.js";
import { BINARY_OPERATORS, compileBinary } from "./operators.js";
import {
  applyFunction,
  bind,
  block,
  condition,
  context,
  inLiterals,
  isLiteralArray,
  literal,
  negate,
  variable,
} from "./nodes.js";
import { compilePartial, PLACEHOLDER } from "./partial.js";
import { compileFilter, compilePath, type Filter, type Step, type StepStage } from "./paths.js";
import { compileName, descendants, wildcard } from "./lookup.js";
import { compileSort } from "./sort.js";
import { bindsDirectly, boundNames } from "./scope.js";
import { normalize } from "./sequence.js";
import { compileRegex } from "./regex.js";
import { regexMatcher } from "./strings.js";
import { compileTransform } from "./transform.js";
import type { AstNode, Group, Stage } from "../ast.js";
import type { Code } from "./types.js";

/** Thrown while compiling: the expression uses something the compiler does not handle. */
export class Unsupported extends Error {}

function unsupported(what: string): never {
  throw new Unsupported(what);
}

/** Node types whose value is never a sequence (so the interpreter's end-of-node step changes nothing). */
function neverSequence(node: AstNode): boolean {
  if (["string", "number", "value", "lambda", "regex"].includes(node.type)) return true;
  if (node.type === "unary") return true;
  return node.type === "binary" && node.value !== "..";
}

export interface Context {
  /** Inside an array or object constructor, whose members jsonata evaluates concurrently. */
  parallel: boolean;
}

export class Compiler {
  private readonly bound: Set<string>;

  constructor(
    root: AstNode,
    /** The names of the bindings evaluations pass, when known: other names resolve at compile time. */
    private readonly bindings: ReadonlySet<string> | undefined,
  ) {
    this.bound = boundNames(root);
  }

  /** The built-in a variable names, when nothing at run time can give that name another value. */
  private knownBuiltin(node: AstNode): CompiledFn | undefined {
    if (node.type !== "variable" || node.predicate || node.group || node.keepArray) return undefined;
    const name = String(node.value);
    if (this.bindings === undefined || this.bindings.has(name) || this.bound.has(name) || name === "$") {
      return undefined;
    }
    return BUILTINS.get(name) as CompiledFn | undefined;
  }

  /** A node as the interpreter's `evaluate` does it: the node, its predicates, group-by, then normalized. */
  node(node: AstNode, ctx: Context): Code {
    let code = this.core(node, ctx);
    if (node.predicate !== undefined) {
      const filters = node.predicate.map((stage) => this.filter(stage, ctx));
      const inner = code;
      code = (input, env) => {
        let result = inner(input, env);
        for (const filter of filters) result = filter(result, env);
        return result;
      };
    }
    if (node.type !== "path" && node.group !== undefined) {
      const group = this.group(node.group, ctx);
      const inner = code;
      code = (input, env) => group(inner(input, env), env);
    }
    const keepArray = node.keepArray === true;
    if (!keepArray && node.predicate === undefined && node.group === undefined && neverSequence(node)) {
      return code;
    }
    const inner = code;
    return (input, env) => normalize(inner(input, env), keepArray);
  }

  private filter(stage: Stage, ctx: Context): Filter {
    if (stage.type !== "filter" || stage.expr === undefined) unsupported(`a ${stage.type} stage`);
    return compileFilter(stage.expr, this.node(stage.expr, ctx));
  }

  private group(group: Group, ctx: Context): (input: unknown, env: Env) => unknown {
    const inner: Context = { parallel: true };
    const pairs = group.lhs.map(([k, v]) => [this.node(k, ctx), this.node(v, inner)] as [Code, Code]);
    return compileGroup(
      group.lhs.map(([k]) => k),
      pairs,
      group.position,
    );
  }

  private core(node: AstNode, ctx: Context): Code {
    switch (node.type) {
      case "path":
        return this.path(node, ctx);
      case "binary":
        return this.binary(node, ctx);
      case "unary":
        return this.unary(node, ctx);
      case "name":
        return compileName(String(node.value));
      case "string":
      case "number":
      case "value":
        return literal(node.value);
      case "wildcard":
        return wildcard;
      case "descendant":
        return descendants;
      case "condition":
        return this.condition(node, ctx);
      case "block":
        return this.block(node);
      case "bind":
        return this.bind(node, ctx);
      case "variable":
        return this.variable(node);
      case "function":
        return this.call(node, ctx);
      case "lambda":
        return this.lambda(node, ctx);
      case "apply":
        return this.apply(node, ctx);
      case "regex": {
        // (Not always a RegExp: jsonata copies the left side of `??` and `?:` through JSON.)
        const position = node.position;
        const re = compileRegex(node.value, position);
        const source = (node.value as Partial<RegExp>).source as string;
        return () => regexMatcher(re, source, position);
      }
      case "parent": {
        const label = String((node as { slot?: { label?: unknown } }).slot?.label);
        return (_input, env) => env.lookup(label);
      }
      case "partial":
        return this.partial(node, ctx);
      case "transform":
        return this.transform(node, ctx);
      default:
        return unsupported(`${node.type} expressions`);
    }
  }

  private path(node: AstNode, ctx: Context): Code {
    const stepNodes = node.steps ?? [];
    if (stepNodes.length === 0) unsupported("an empty path");
    const steps: Step[] = stepNodes.map((step, i) => {
      // (A leading array constructor is evaluated as a whole: jsonata ignores its stages.)
      const stages: StepStage[] = (step.stages ?? []).map((s) =>
        s.type === "index" ? { index: String(s.value) } : { filter: this.filter(s, ctx) },
      );
      const tupleParts = {
        tuple: step.tuple === true,
        focus: step.focus,
        index: step.index,
        ancestor: (step.ancestor as { label?: string } | undefined)?.label,
      };
      if (step.type !== "sort") return { code: this.node(step, ctx), stages, ...tupleParts };
      if (i === 0) unsupported("order-by as the first step");
      if (!step.tuple && stages.some((s) => "index" in s)) unsupported("a position variable without tuples");
      const terms = (step.terms ?? []).map((t) => ({
        code: this.node(t.expression, ctx),
        descending: t.descending,
      }));
      const sort = compileSort(terms, step.position);
      return { code: literal(undefined), stages, sort, ...tupleParts };
    });
    const group = node.group === undefined ? undefined : this.group(node.group, ctx);
    return compilePath({ node, steps, group });
  }

  private binary(node: AstNode, ctx: Context): Code {
    const op = String(node.value);
    if (!BINARY_OPERATORS.has(op)) unsupported(`the operator ${op}`);
    const lhs = this.node(node.lhs as AstNode, ctx);
    const rhsNode = node.rhs as AstNode;
    if (op === "in" && isLiteralArray(rhsNode)) {
      return inLiterals(
        lhs,
        (rhsNode.expressions ?? []).map((e) => e.value),
      );
    }
    return compileBinary(op, lhs, this.node(rhsNode, ctx), node.position);
  }

  private unary(node: AstNode, ctx: Context): Code {
    if (node.value === "-") return negate(this.node(node.expression as AstNode, ctx), node.position);
    const inner: Context = { parallel: true };
    if (node.value === "[") {
      return compileArray(
        node,
        (node.expressions ?? []).map((e) => this.node(e, inner)),
      );
    }
    if (node.value === "{") {
      const pairs = (node.lhs ?? []) as [AstNode, AstNode][];
      return compileGroup(
        pairs.map(([k]) => k),
        pairs.map(([k, v]) => [this.node(k, ctx), this.node(v, inner)]),
        node.position,
      );
    }
    return unsupported(`the unary operator ${String(node.value)}`);
  }

  private condition(node: AstNode, ctx: Context): Code {
    const otherwise = node.else === undefined ? undefined : this.node(node.else, ctx);
    return condition(
      this.node(node.condition as AstNode, ctx),
      this.node(node.then as AstNode, ctx),
      otherwise,
    );
  }

  private block(node: AstNode): Code {
    return block(
      (node.expressions ?? []).map((e) => this.node(e, { parallel: false })),
      bindsDirectly(node),
    );
  }

  private bind(node: AstNode, ctx: Context): Code {
    if (ctx.parallel) unsupported("a variable assigned inside an array or object constructor");
    return bind(String((node.lhs as AstNode).value), this.node(node.rhs as AstNode, ctx));
  }

  private variable(node: AstNode): Code {
    const name = String(node.value);
    if (name === "") return context;
    const reason = NOT_COMPILED.get(name);
    if (reason !== undefined) unsupported(`$${name}(): ${reason}`);
    return variable(name, this.bound.has(name));
  }

  private call(node: AstNode, ctx: Context): Code {
    return this.callParts(node, ctx);
  }

  private callParts(node: AstNode, ctx: Context): ReturnType<typeof compileCall> {
    const procedure = this.node(node.procedure as AstNode, ctx);
    const args = (node.arguments ?? []).map((a) => this.node(a, ctx));
    return compileCall({ node, procedure, args, known: this.knownBuiltin(node.procedure as AstNode) });
  }

  private lambda(node: AstNode, ctx: Context): Code {
    const body = node.body as AstNode;
    if (node.thunk === true) {
      if (body.type !== "function") unsupported("a tail call of this kind");
      const procedure = this.node(body.procedure as AstNode, ctx);
      const args = (body.arguments ?? []).map((a) => this.node(a, ctx));
      const procNode = body.procedure as AstNode;
      return (input, env) => new Thunk(procedure, procNode, args, input, env);
    }
    const params = (node.arguments ?? []).map((a) => String(a.value));
    const code = this.node(body, { parallel: false });
    const signature = node.signature;
    return (input, env) => makeLambda(params, signature, code, input, env);
  }

  private apply(node: AstNode, ctx: Context): Code {
    const lhs = this.node(node.lhs as AstNode, ctx);
    const rhsNode = node.rhs as AstNode;
    if (rhsNode.type === "function") {
      const call = this.callParts(rhsNode, ctx);
      return (input, env) => call(input, env, { context: lhs(input, env) });
    }
    return applyFunction(lhs, this.node(rhsNode, ctx), node.position);
  }

  private partial(node: AstNode, ctx: Context): Code {
    const args = (node.arguments ?? []).map((a) =>
      a.type === "operator" && a.value === "?" ? PLACEHOLDER : this.node(a, ctx),
    );
    return compilePartial({ node, procedure: this.node(node.procedure as AstNode, ctx), args });
  }

  private transform(node: AstNode, ctx: Context): Code {
    return compileTransform({
      node,
      pattern: this.node(node.pattern as AstNode, ctx),
      update: this.node(node.update as AstNode, ctx),
      remove: node.delete === undefined ? undefined : this.node(node.delete, ctx),
    });
  }
}
