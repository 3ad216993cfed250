/**
 * The order-by operator (`path^(>price, name)`): evaluateSortExpression, a stable merge sort on the sort
 * keys, undefined keys last, T2008 for keys that are not strings or numbers, T2007 for mixed types. Over a
 * tuple stream (`@`, `#`, `%` before it) the keys are evaluated in each tuple's frame.
 */
import type { Env } from "./env.js";
import { jerror } from "./errors.js";
import { sortWith } from "./hof.js";
import { frameFromTuple, type Tuple } from "./tuples.js";
import type { Code, Sequence } from "./types.js";

/** An order-by step: evaluateSortExpression (without tuple streams). `terms` are compiled sort keys. */
export function compileSort(
  terms: { code: Code; descending: boolean }[],
  position: number | undefined,
): (input: unknown[], env: Env) => unknown {
  return (input, env) => {
    const tuples = (input as Partial<Sequence>).tupleStream === true;
    const key = (code: Code, item: unknown): unknown =>
      tuples ? code((item as Tuple)["@"], frameFromTuple(env, item as Tuple)) : code(item, env);
    const swap = (a: unknown, b: unknown): boolean => {
      let comp = 0;
      for (let index = 0; comp === 0 && index < terms.length; index++) {
        const term = terms[index] as { code: Code; descending: boolean };
        const aa = key(term.code, a);
        const bb = key(term.code, b);
        const atype = typeof aa;
        const btype = typeof bb;
        if (atype === "undefined") {
          comp = btype === "undefined" ? 0 : 1;
          continue;
        }
        if (btype === "undefined") {
          comp = -1;
          continue;
        }
        if (!(atype === "string" || atype === "number") || !(btype === "string" || btype === "number")) {
          throw jerror("T2008", { position, value: !(atype === "string" || atype === "number") ? aa : bb });
        }
        if (atype !== btype) throw jerror("T2007", { position, value: aa, value2: bb });
        if (aa === bb) continue;
        comp = (aa as number) < (bb as number) ? -1 : 1;
        if (term.descending) comp = -comp;
      }
      return comp === 1;
    };
    return input.length <= 1 ? input : sortWith(input, swap);
  };
}
