/**
 * The budget of compiled evaluations (budget.ts): runaway expressions end with `BudgetExceeded` of the right
 * kind instead of running for ever, exhausting memory or crashing on the stack, and the evaluator stays
 * usable for the next input.
 */
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import type { AstNode } from "../ast.js";
import { BudgetExceeded, type Budget, type BudgetKind } from "./budget.js";
import { compileExpression } from "./compile.js";

function evaluator(text: string, budget?: Budget) {
  const compiled = compileExpression(jsonata(text).ast() as AstNode, { budget });
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.evaluate;
}

function overBudget(text: string, budget: Budget, input: unknown = {}): BudgetKind {
  try {
    evaluator(text, budget)(input, {});
  } catch (err) {
    if (err instanceof BudgetExceeded) return err.kind;
    throw err;
  }
  throw new Error(`${text} finished within its budget`);
}

const FOREVER = "($f := function($x){ $f($x) }; $f(1))";
const DEEP = "($f := function($x){ $x = 0 ? 0 : 1 + $f($x - 1) }; $f(100000000))";

describe("evaluation budget", () => {
  it("ends infinite tail recursion on the step budget", () => {
    expect(overBudget(FOREVER, { maxSteps: 100_000 })).toBe("steps");
  });

  it("ends infinite tail recursion on the time budget", () => {
    expect(overBudget(FOREVER, { maxMillis: 20 })).toBe("time");
  });

  it("ends an infinite $map-style loop over a long range", () => {
    expect(overBudget("$count([1..1000000].($ + 1))", { maxSteps: 10_000 })).toBe("steps");
  });

  it("turns non-tail recursion past the JavaScript stack into a depth error", () => {
    expect(overBudget(DEEP, {})).toBe("depth");
  });

  it("refuses a range larger than maxItems before allocating it", () => {
    expect(overBudget("[1..1e7].[1..1e7]", { maxItems: 1_000_000 })).toBe("size");
    expect(overBudget("$count([1..2000])", { maxItems: 1000 })).toBe("size");
  });

  it("counts the items of ranges as steps", () => {
    expect(overBudget("[1..1000].[1..1000]", { maxSteps: 100_000, maxItems: 1_000_000 })).toBe("steps");
  });

  it("turns a value too large for the engine into a size error", () => {
    expect(overBudget('$reduce([1..40], function($a, $b){ $a & $a }, "xx")', {})).toBe("size");
  });

  it("counts steps in predicates and tuple streams", () => {
    expect(overBudget("[1..1000][$ > 0][$ > 1]", { maxSteps: 1500, maxItems: 1000 })).toBe("steps");
    expect(overBudget("[1..1000]#$i[$i > 0].$", { maxSteps: 1500, maxItems: 1000 })).toBe("steps");
  });

  it("stops at the first failing member of a constructor (the others are not run)", () => {
    expect(overBudget(`{"a": ${FOREVER}, "b": ${FOREVER}}`, { maxSteps: 10_000 })).toBe("steps");
  });

  it("leaves expressions within the budget unchanged, and resets for each evaluation", () => {
    const evaluate = evaluator("$count(items[price > 10]) & ':' & $join(items.name, ',')", {
      maxSteps: 100,
      maxMillis: 1000,
    });
    const small = {
      items: [
        { name: "a", price: 20 },
        { name: "b", price: 5 },
      ],
    };
    const big = { items: Array.from({ length: 200 }, (_, i) => ({ name: `n${i}`, price: i })) };
    expect(evaluate(small, {})).toBe("1:a,b");
    expect(() => evaluate(big, {})).toThrow(BudgetExceeded);
    expect(evaluate(small, {})).toBe("1:a,b");
  });

  it("without a budget, is unlimited (as jsonata is)", () => {
    expect(evaluator("$count([1..2000000])")({}, {})).toBe(2_000_000);
  });
});
