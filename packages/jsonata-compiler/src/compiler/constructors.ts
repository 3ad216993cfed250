/**
 * Array constructors (`[a, b]`) and object constructors (`{"k": v}`, and the group-by form `path{k: v}`),
 * ported from the interpreter: array items are appended (sequences and arrays flattened one level, nested
 * constructors kept whole); an object groups its input items by key and evaluates each value once per key,
 * with the items of that key as context. Keys come out in the order JavaScript gives them (integer-like keys
 * first), as with the interpreter's objects. Over a tuple stream, keys and values are evaluated in the frames
 * of the tuples (reduced per key). jsonata evaluates members concurrently: when more than one fails, which
 * error it reports depends on its scheduling, so such an error is marked (`concurrentFailure`).
 */
import type { Env } from "./env.js";
import { concurrentFailure, jerror } from "./errors.js";
import { append, createSequence, markCons, setMember } from "./sequence.js";
import { frameFromTuple, reduceTupleStream, type Tuple } from "./tuples.js";
import type { AstNode } from "../ast.js";
import type { Code, Sequence } from "./types.js";

export function compileArray(node: AstNode, items: Code[]): Code {
  const nested = (node.expressions ?? []).map((item) => item.value === "[");
  const cons = node.consarray === true;
  return (input, env) => {
    const result: unknown[] = [];
    let i = 0;
    try {
      for (; i < items.length; i++) {
        const value = (items[i] as Code)(input, env);
        if (value === undefined) continue;
        if (nested[i] === true || !Array.isArray(value)) result.push(value);
        else for (let j = 0; j < value.length; j++) result.push(value[j]);
      }
    } catch (err) {
      throw concurrentFailure(err, i, items.length, (k) => (items[k] as Code)(input, env));
    }
    if (cons) markCons(result);
    return result;
  };
}

interface Entry {
  data: unknown;
  exprIndex: number;
}

const RESERVED = new Set(["_jsonata_lambda", "_jsonata_function"]);

/**
 * evaluateGroupExpression (without tuple streams): `pairs` are the compiled key and value of each member,
 * `keyNodes` their AST, `position` that of the `{`.
 */
export function compileGroup(
  keyNodes: AstNode[],
  pairs: [Code, Code][],
  position: number | undefined,
): (input: unknown, env: Env) => unknown {
  const general = (input: unknown, env: Env): unknown => {
    const reduce = !!input && (input as Partial<Sequence>).tupleStream === true;
    const items: unknown[] = Array.isArray(input) ? input : createSequence(input);
    if (items.length === 0 && !reduce) items.push(undefined);
    const groups = Object.create(null) as Record<string, Entry>;
    for (const item of items) {
      const itemEnv = reduce ? frameFromTuple(env, item as Tuple) : env;
      const context = reduce ? (item as Tuple)["@"] : item;
      for (let pairIndex = 0; pairIndex < pairs.length; pairIndex++) {
        const key = (pairs[pairIndex] as [Code, Code])[0](context, itemEnv);
        if (typeof key !== "string" && key !== undefined) throw jerror("T1003", { position, value: key });
        if (key === undefined) continue;
        if (RESERVED.has(key)) throw jerror("D1013", { position, value: key });
        const entry = groups[key];
        if (entry !== undefined) {
          if (entry.exprIndex !== pairIndex) throw jerror("D1009", { position, value: key });
          entry.data = append(entry.data, item);
        } else {
          groups[key] = { data: item, exprIndex: pairIndex };
        }
      }
    }
    const result: Record<string, unknown> = {};
    const keys = Object.keys(groups);
    const evaluate = (k: number): unknown => {
      const entry = groups[keys[k] as string] as Entry;
      let context = entry.data;
      let valueEnv = env;
      if (reduce) {
        const tuple = reduceTupleStream(entry.data);
        context = tuple["@"];
        delete tuple["@"];
        valueEnv = frameFromTuple(env, tuple);
      }
      return (pairs[entry.exprIndex] as [Code, Code])[1](context, valueEnv);
    };
    let k = 0;
    try {
      for (; k < keys.length; k++) {
        const value = evaluate(k);
        if (value !== undefined) setMember(result, keys[k] as string, value);
      }
    } catch (err) {
      throw concurrentFailure(err, k, keys.length, evaluate);
    }
    return result;
  };

  // Literal, distinct, unreserved keys: a single input item gives every key that item as context.
  const literal = keyNodes.every((k) => k.type === "string" && !k.predicate && !k.group && !k.keepArray);
  const keys = keyNodes.map((k) => k.value as string);
  if (!literal || new Set(keys).size !== keys.length || keys.some((k) => RESERVED.has(k))) return general;
  const order = Object.keys(Object.fromEntries(keys.map((k, i) => [k, i])));
  const index = order.map((k) => keys.indexOf(k));
  const values = index.map((i) => (pairs[i] as [Code, Code])[1]);
  const proto = order.includes("__proto__");
  return (input, env) => {
    if (Array.isArray(input)) return general(input, env);
    const result: Record<string, unknown> = {};
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const value = (values[i] as Code)(input, env);
        if (value === undefined) continue;
        if (proto) setMember(result, order[i] as string, value);
        else result[order[i] as string] = value;
      }
    } catch (err) {
      throw concurrentFailure(err, i, values.length, (k) => (values[k] as Code)(input, env));
    }
    return result;
  };
}
