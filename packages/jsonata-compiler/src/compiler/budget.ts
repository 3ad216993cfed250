/**
 * The budget of one evaluation: compiled code counts steps (function applications, the items a path step
 * or a predicate goes through, the items a range allocates) and reads the clock every CLOCK_EVERY steps, so
 * that no expression can run for ever, exhaust memory or stop the event loop for long. A budget that runs
 * out throws `BudgetExceeded`, which no part of the compiled code catches.
 */

/** Limits of one evaluation; each one left out is unlimited. */
export interface Budget {
  /** Steps (see above) one evaluation may take. */
  maxSteps?: number | undefined;
  /** Wall-clock milliseconds one evaluation may take. */
  maxMillis?: number | undefined;
  /** Items one range (`[1..n]`) may allocate. */
  maxItems?: number | undefined;
}

/** Which limit ran out: steps, time, the JavaScript stack (recursion), or the size of a value. */
export type BudgetKind = "steps" | "time" | "depth" | "size";

/** The evaluation went past its budget. Carries no value of the input. */
export class BudgetExceeded extends Error {
  constructor(
    readonly kind: BudgetKind,
    message: string,
  ) {
    super(message);
    this.name = "BudgetExceeded";
  }
}

/** Reading the clock costs about as much as a few dozen steps: read it this often. */
const CLOCK_EVERY = 128;

/** The counter of one evaluation at a time (evaluations are synchronous: `start` resets it). */
export class Meter {
  private steps = 0;
  /** The step count at which `check` runs next. */
  private checkAt = 0;
  private deadline = Infinity;
  private failure: BudgetExceeded | undefined;
  private readonly maxSteps: number;
  private readonly maxMillis: number;
  readonly maxItems: number;

  constructor(budget: Budget = {}) {
    this.maxSteps = budget.maxSteps ?? Infinity;
    this.maxMillis = budget.maxMillis ?? Infinity;
    this.maxItems = budget.maxItems ?? Infinity;
  }

  start(): void {
    this.steps = 0;
    this.failure = undefined;
    this.deadline = this.maxMillis === Infinity ? Infinity : performance.now() + this.maxMillis;
    this.checkAt = Math.min(CLOCK_EVERY, this.maxSteps);
  }

  /** Counts `n` steps (1 by default). */
  tick(n = 1): void {
    this.steps += n;
    if (this.steps >= this.checkAt) this.check();
  }

  /** Counts a value of `size` items about to be allocated, which may not exceed `maxItems`. */
  allocate(size: number): void {
    if (size > this.maxItems) {
      throw this.fail("size", `a range of ${size} items exceeds the budget of ${this.maxItems} items`);
    }
    this.tick(size);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.steps > this.maxSteps) {
      throw this.fail("steps", `evaluation exceeded its budget of ${this.maxSteps} steps`);
    }
    if (this.deadline !== Infinity && performance.now() > this.deadline) {
      throw this.fail("time", `evaluation exceeded its budget of ${this.maxMillis} ms`);
    }
    this.checkAt = Math.min(this.steps + CLOCK_EVERY, this.maxSteps + 1);
  }

  /** Records the failure, so that any later step throws it again (should something catch it). */
  fail(kind: BudgetKind, message: string): BudgetExceeded {
    this.failure = new BudgetExceeded(kind, message);
    this.checkAt = 0;
    return this.failure;
  }
}

/** The `BudgetExceeded` an error of the JavaScript engine stands for, if any (stack overflow, huge values). */
export function engineLimit(err: unknown, meter: Meter): BudgetExceeded | undefined {
  if (err instanceof BudgetExceeded) return err;
  if (!(err instanceof RangeError)) return undefined;
  if (err.message === "Maximum call stack size exceeded") {
    return meter.fail("depth", "evaluation exceeded the JavaScript stack (recursion too deep)");
  }
  if (/^Invalid (string|array|typed array) length/.test(err.message)) {
    return meter.fail("size", `evaluation built a value too large (${err.message})`);
  }
  return undefined;
}
