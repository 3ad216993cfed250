/**
 * @logshipper/jsonata-compiler: JSONata expressions (the AST of jsonata 2.2.2) compiled to synchronous
 * JavaScript closures that give the interpreter's values and errors, and a static analysis of the input fields
 * an expression reads. See README.md.
 */
export type { AstNode, Group, Signature, SortTerm, Stage } from "./ast.js";
export {
  compileExpression,
  type CompileOptions,
  type CompileResult,
  type Evaluator,
} from "./compiler/compile.js";
export { BudgetExceeded, type Budget, type BudgetKind } from "./compiler/budget.js";
export { checkRegexes, Re2RegExp, RegexSyntaxError } from "./compiler/regex.js";
export { isAmbiguous, JsonataError, type JsonataErrorFields } from "./compiler/errors.js";
export { analyzeReads } from "./reads/analyze.js";
export { FieldReads, formatFieldPath, type FieldPath } from "./reads/field-reads.js";
