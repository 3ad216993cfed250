/**
 * Variable frames at run time, as the interpreter chains them: the root frame of one evaluation (the
 * bindings passed in, `$$`, top-level `:=`), a frame per call of a lambda, a frame per tuple of a tuple
 * stream, and a frame per block that assigns variables (blocks that assign nothing share their parent's
 * frame: nothing can be bound in them).
 */
import type { Meter } from "./budget.js";
import { createSequence } from "./sequence.js";
import type { JFn } from "./types.js";

/** What built-in functions reused from jsonata see as `this`. */
export interface Focus {
  createSequence: (...items: unknown[]) => unknown[];
  environment: { timestamp: Date };
  input: unknown;
}

export class Env {
  private vars: Map<string, unknown> | undefined;
  readonly root: RootEnv;

  constructor(
    readonly parent: Env | undefined,
    root: RootEnv | undefined,
  ) {
    this.root = root ?? (this as unknown as RootEnv);
  }

  bind(name: string, value: unknown): void {
    (this.vars ??= new Map()).set(name, value);
  }

  lookup(name: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let env: Env | undefined = this;
    do {
      const vars = env.vars;
      if (vars !== undefined && vars.has(name)) return vars.get(name);
      env = env.parent;
    } while (env !== undefined);
    return this.root.lookupGlobal(name);
  }
}

/** The root frame of one evaluation. */
export class RootEnv extends Env {
  private timestamp: number | undefined;
  private focusValue: Focus | undefined;

  constructor(
    /** The input as given (what `$$` is). */
    readonly input: unknown,
    private readonly bindings: Readonly<Record<string, unknown>>,
    private readonly builtins: ReadonlyMap<string, JFn>,
    /** The budget of this evaluation (budget.ts). */
    readonly meter: Meter,
  ) {
    super(undefined, undefined);
  }

  /** Past every frame: `$$`, the bindings passed in, then the built-in functions. */
  lookupGlobal(name: string): unknown {
    if (name === "$") return this.input;
    if (Object.hasOwn(this.bindings, name)) return this.bindings[name];
    return this.builtins.get(name);
  }

  /** The time of this evaluation (`$now()`, `$millis()`): taken once, when first asked for. */
  now(): number {
    return (this.timestamp ??= Date.now());
  }

  focus(): Focus {
    return (this.focusValue ??= {
      createSequence,
      environment: { timestamp: new Date(this.now()) },
      input: undefined,
    });
  }
}
