/**
 * The AST that jsonata 2.2.2 returns from `jsonata(text).ast()` (its processed form): the members the
 * compiler and the read analysis look at. One declaration for both.
 */

/** A signature parsed by jsonata (`<s-:s>`): it validates and fixes up the arguments of a call. */
export interface Signature {
  definition: string;
  validate(args: unknown[], context: unknown): unknown[];
}

/** A node of the processed AST. */
export interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: Stage[];
  predicate?: Stage[];
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  body?: AstNode;
  signature?: Signature;
  thunk?: boolean;
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode | SortTerm[];
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  expression?: AstNode;
  terms?: SortTerm[];
  group?: Group;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
  tuple?: boolean;
  focus?: string;
  index?: string;
  ancestor?: unknown;
  seekingParent?: unknown;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
}

/** A predicate (`[expr]`) or a positional variable binding (`#$i`) of a step. */
export interface Stage {
  type: string;
  expr?: AstNode;
  value?: string;
  position?: number;
}

/** The grouping clause of a step (`a{key: value}`). */
export interface Group {
  lhs: [AstNode, AstNode][];
  position?: number;
}

/** One term of an order-by clause (`^(>a, b)`). */
export interface SortTerm {
  descending: boolean;
  expression: AstNode;
}
