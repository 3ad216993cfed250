/**
 * Paths (`a.b[c > 1].d`) with JSONata's sequence semantics, ported from the interpreter's evaluatePath,
 * evaluateStep and evaluateFilter: each step maps over the sequence produced by the previous one, results are
 * flattened one level (arrays built by a constructor step are kept whole), a step that finds nothing ends the
 * path, and the last step hands back a single array as it is; steps binding `@`, `#` or `%` turn the rest of
 * the path into a tuple stream (tuples.ts). Paths of plain names have a fast path that gives the same values
 * without building sequences while every value met is a single object.
 */
import type { Env } from "./env.js";
import {
  createSequence,
  isArrayOfNumbers,
  isCons,
  isFunction,
  isNumeric,
  isSequence,
  normalize,
  toBoolean,
} from "./sequence.js";
import { evaluateStages, evaluateTupleStep, frameFromTuple, type Tuple } from "./tuples.js";
import type { AstNode } from "../ast.js";
import type { Code, Sequence } from "./types.js";

/** Applies one predicate (`[expr]`) to a value, sequence or tuple stream: evaluateFilter. */
export type Filter = (input: unknown, env: Env) => unknown;

export function compileFilter(predicate: AstNode, code: Code): Filter {
  const literalIndex = predicate.type === "number" ? Math.floor(predicate.value as number) : undefined;
  return (input, env) => {
    let results: unknown[] = createSequence();
    if (input && (input as Partial<Sequence>).tupleStream) (results as Sequence).tupleStream = true;
    const seq: unknown[] = Array.isArray(input) ? input : createSequence(input);
    if (literalIndex !== undefined) {
      const item: unknown = seq[literalIndex < 0 ? seq.length + literalIndex : literalIndex];
      if (item !== undefined) {
        if (Array.isArray(item)) results = item as unknown[];
        else results.push(item);
      }
      return results;
    }
    const tuples = (seq as Partial<Sequence>).tupleStream === true;
    const meter = env.root.meter;
    for (let index = 0; index < seq.length; index++) {
      meter.tick();
      const item = seq[index];
      let res = tuples ? code((item as Tuple)["@"], frameFromTuple(env, item as Tuple)) : code(item, env);
      if (isNumeric(res)) res = [res];
      if (isArrayOfNumbers(res)) {
        for (const ires of res as number[]) {
          let ii = Math.floor(ires);
          if (ii < 0) ii = seq.length + ii;
          if (ii === index) results.push(item);
        }
      } else if (toBoolean(res)) {
        results.push(item);
      }
    }
    return results;
  };
}

/** A predicate of a step, or (in a tuple stream) a position variable `#$i`. */
export type StepStage = { filter: Filter } | { index: string };

/** A step of a path: the step's own code (the whole evaluation of its node) and what follows it. */
export interface Step {
  code: Code;
  stages: StepStage[];
  /** An order-by step (`^(...)`) sorts the whole input sequence instead of mapping over it. */
  sort?: ((input: unknown[], env: Env) => unknown) | undefined;
  /** The step binds tuples: from it on, the path is a tuple stream. */
  tuple: boolean;
  /** `@$x`, `#$i`, and the label the parent operator reads this step's input by. */
  focus: string | undefined;
  index: string | undefined;
  ancestor: string | undefined;
}

/** The sequence a step produces from the values it found for each input item: evaluateStep's tail. */
function stepOutput(result: unknown[], lastStep: boolean): unknown[] {
  if (lastStep && result.length === 1) {
    const only = result[0];
    if (Array.isArray(only) && !isSequence(only)) return only;
  }
  const out = createSequence();
  for (let i = 0; i < result.length; i++) {
    const res = result[i];
    if (!Array.isArray(res) || isCons(res)) out.push(res);
    else for (let j = 0; j < res.length; j++) out.push(res[j]);
  }
  return out;
}

function evaluateStep(step: Step, input: ArrayLike<unknown>, env: Env, lastStep: boolean): unknown {
  if (step.sort !== undefined) return evaluateStages(step.stages, step.sort(input as unknown[], env), env);
  const result = createSequence();
  const meter = env.root.meter;
  for (let i = 0; i < input.length; i++) {
    meter.tick();
    let res = step.code(input[i], env);
    for (const stage of step.stages) {
      // Position stages only follow tuple steps, which this function never sees.
      if ("filter" in stage) res = stage.filter(res, env);
    }
    if (res !== undefined) result.push(res);
  }
  return stepOutput(result, lastStep);
}

export interface PathParts {
  node: AstNode;
  steps: Step[];
  /** The group-by (`path{key: value}`) of the path, when it has one. */
  group: ((input: unknown, env: Env) => unknown) | undefined;
}

/** Runs the steps of a path from step `start` on, with `from` as that step's input sequence. */
type PathRunner = (start: number, from: unknown, env: Env) => unknown;

/** evaluatePath's loop over the steps, and what it makes of the last result (tuples, singletons, group-by). */
function pathRunner({ node, steps, group }: PathParts): PathRunner {
  const firstIsCons = node.steps?.[0]?.consarray === true;
  const keepSingletonArray = node.keepSingletonArray === true;
  const keepTuples = node.tuple === true;
  const last = steps.length - 1;
  return (start, from, env) => {
    let inputSequence = from;
    let resultSequence: unknown;
    let isTupleStream = false;
    let tupleBindings: unknown;
    for (let i = start; i < steps.length; i++) {
      const step = steps[i] as Step;
      if (step.tuple) isTupleStream = true;
      if (i === 0 && firstIsCons) {
        resultSequence = step.code(inputSequence, env);
      } else if (isTupleStream) {
        tupleBindings = evaluateTupleStep(step, inputSequence as unknown[], tupleBindings as Tuple[], env);
      } else {
        resultSequence = evaluateStep(step, inputSequence as ArrayLike<unknown>, env, i === last);
      }
      if (!isTupleStream && (resultSequence === undefined || (resultSequence as unknown[]).length === 0))
        break;
      if (step.focus === undefined) inputSequence = resultSequence;
    }
    if (isTupleStream) {
      if (keepTuples) {
        resultSequence = tupleBindings;
      } else {
        const values = createSequence();
        const tuples = tupleBindings as Tuple[];
        for (let i = 0; i < tuples.length; i++) values.push((tuples[i] as Tuple)["@"]);
        resultSequence = values;
      }
    }
    if (keepSingletonArray) {
      if (Array.isArray(resultSequence) && isCons(resultSequence) && !isSequence(resultSequence)) {
        resultSequence = createSequence(resultSequence);
      }
      (resultSequence as Sequence).keepSingleton = true;
    }
    if (group) resultSequence = group(isTupleStream ? tupleBindings : resultSequence, env);
    return resultSequence;
  };
}

/** Whether the path is only plain names (`a.b.c`), with nothing that needs sequences or tuples to evaluate. */
function isPlainNamePath({ node, steps, group }: PathParts): boolean {
  const stepNodes = node.steps ?? [];
  return (
    node.keepSingletonArray !== true &&
    !group &&
    node.tuple !== true &&
    steps.every((s) => !s.tuple) &&
    stepNodes.length > 0 &&
    stepNodes.every(
      (s) =>
        s.type === "name" &&
        typeof s.value === "string" &&
        !s.stages &&
        !s.predicate &&
        !s.group &&
        !s.keepArray &&
        !s.tuple &&
        s.focus === undefined &&
        s.index === undefined &&
        s.ancestor === undefined,
    )
  );
}

/**
 * The fast path of a plain-name path (`last` is its last step's index): walks single objects directly, and
 * hands over to the general loop (`run`) at the first array, or to `start` for an array input, so the values
 * are the same.
 */
function plainNamePath(names: string[], last: number, start: Code, run: PathRunner): Code {
  return (input, env) => {
    if (Array.isArray(input)) return start(input, env);
    let cur = input;
    for (let i = 0; i < names.length; i++) {
      if (typeof cur !== "object" || cur === null) return undefined;
      const name = names[i] as string;
      if (!Object.hasOwn(cur, name) || isFunction(cur)) return undefined;
      const value = (cur as Record<string, unknown>)[name];
      if (value === undefined) return undefined;
      if (Array.isArray(value)) {
        // What evaluateStep makes of the one value found, then the remaining steps.
        const res = normalize(value, false);
        const output = stepOutput(res === undefined ? [] : [res], i === last);
        if (i === last || output.length === 0) return output;
        return run(i + 1, output, env);
      }
      cur = value;
    }
    return cur;
  };
}

/** evaluatePath. */
export function compilePath(parts: PathParts): Code {
  const stepNodes = parts.node.steps ?? [];
  const firstIsVariable = stepNodes[0]?.type === "variable";
  const run = pathRunner(parts);
  const start = (input: unknown, env: Env): unknown =>
    run(0, Array.isArray(input) && !firstIsVariable ? input : createSequence(input), env);
  if (!isPlainNamePath(parts)) return start;
  const names = stepNodes.map((s) => s.value as string);
  return plainNamePath(names, parts.steps.length - 1, start, run);
}
