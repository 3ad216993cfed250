/**
 * Tuple streams: the interpreter's evaluation of path steps that bind the focus (`@$x`), the position
 * (`#$i`) or an ancestor for the parent operator (`%`). From the first such step on, a path carries tuples
 * (`{"@": value, x: ..., i: ..., "!0": parent}`) and every later step, predicate and sort key is evaluated in
 * a frame binding the tuple's members. Ported from evaluateTupleStep, evaluateStages, createFrameFromTuple
 * and reduceTupleStream.
 */
import { Env } from "./env.js";
import type { Step, StepStage } from "./paths.js";
import { append, createSequence } from "./sequence.js";
import type { Sequence } from "./types.js";

export type Tuple = Record<string, unknown>;

export function frameFromTuple(env: Env, tuple: Tuple): Env {
  const frame = new Env(env, env.root);
  for (const key of Object.keys(tuple)) frame.bind(key, tuple[key]);
  return frame;
}

/** evaluateStages: predicates, and `#$i` positions written into each tuple. */
export function evaluateStages(stages: StepStage[], input: unknown, env: Env): unknown {
  let result = input;
  for (const stage of stages) {
    if ("filter" in stage) {
      result = stage.filter(result, env);
    } else {
      const list = result as Tuple[];
      for (let ee = 0; ee < list.length; ee++) (list[ee] as Tuple)[stage.index] = ee;
    }
  }
  return result;
}

function newTuple(from?: Tuple): Tuple {
  const tuple = Object.create(null) as Tuple;
  if (from) Object.assign(tuple, from);
  return tuple;
}

export function evaluateTupleStep(
  step: Step,
  input: unknown[],
  bindings: Tuple[] | undefined,
  env: Env,
): unknown {
  if (step.sort !== undefined) {
    let result: unknown;
    if (bindings !== undefined) {
      result = step.sort(bindings, env);
    } else {
      const sorted = step.sort(input, env) as unknown[];
      const stream = createSequence();
      stream.tupleStream = true;
      for (let ss = 0; ss < sorted.length; ss++) {
        const tuple = newTuple();
        tuple["@"] = sorted[ss];
        tuple[String(step.index)] = ss;
        stream.push(tuple);
      }
      result = stream;
    }
    return evaluateStages(step.stages, result, env);
  }
  const result = createSequence();
  result.tupleStream = true;
  const tuples = bindings ?? input.map((item) => newTuple({ "@": item }));
  const meter = env.root.meter;
  for (const binding of tuples) {
    meter.tick();
    let res = step.code(binding["@"], frameFromTuple(env, binding));
    if (res === undefined) continue;
    if (!Array.isArray(res)) res = [res];
    const values = res as unknown[];
    for (let bb = 0; bb < values.length; bb++) {
      const tuple = newTuple(binding);
      if ((values as Partial<Sequence>).tupleStream) {
        Object.assign(tuple, values[bb]);
      } else {
        if (step.focus !== undefined) {
          tuple[step.focus] = values[bb];
          tuple["@"] = binding["@"];
        } else {
          tuple["@"] = values[bb];
        }
        if (step.index !== undefined) tuple[step.index] = bb;
        if (step.ancestor !== undefined) tuple[step.ancestor] = binding["@"];
      }
      result.push(tuple);
    }
    meter.tick(values.length);
  }
  return evaluateStages(step.stages, result, env);
}

/** reduceTupleStream: one tuple with every member appended across the tuples of a group. */
export function reduceTupleStream(stream: unknown): Tuple {
  if (!Array.isArray(stream)) return stream as Tuple;
  const result = newTuple(stream[0] as Tuple);
  for (let ii = 1; ii < stream.length; ii++) {
    const tuple = stream[ii] as Tuple;
    for (const prop of Object.keys(tuple)) result[prop] = append(result[prop], tuple[prop]);
  }
  return result;
}
