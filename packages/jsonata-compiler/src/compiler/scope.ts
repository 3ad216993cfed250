/**
 * Static facts about variables that the compiler uses: which names an expression may bind at all (`:=`,
 * lambda parameters, `@$x` and `#$i`: other names can only be bindings or built-ins), and whether a block
 * binds any variable itself, in which case it needs a frame of its own at run time. A thunk (a call in tail position, rewritten by jsonata's parser) runs in the frame it was
 * made in, so it is looked through; blocks and lambdas are not.
 */
import type { AstNode } from "../ast.js";

/** The direct sub-expressions of a node. */
export function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const add = (n: AstNode | undefined): void => {
    if (n !== undefined && typeof n === "object" && typeof n.type === "string") out.push(n);
  };
  node.steps?.forEach(add);
  node.stages?.forEach((s) => add(s.expr));
  node.predicate?.forEach((s) => add(s.expr));
  node.expressions?.forEach(add);
  node.arguments?.forEach(add);
  add(node.procedure);
  if (node.type === "lambda" && node.body && typeof node.body === "object") add(node.body);
  if (Array.isArray(node.lhs)) node.lhs.forEach(([k, v]) => (add(k), add(v)));
  else add(node.lhs);
  if (Array.isArray(node.rhs)) node.rhs.forEach((t) => add(t.expression));
  else add(node.rhs);
  add(node.condition);
  add(node.then);
  add(node.else);
  add(node.expression);
  node.terms?.forEach((t) => add(t.expression));
  node.group?.lhs.forEach(([k, v]) => (add(k), add(v)));
  add(node.pattern);
  add(node.update);
  add(node.delete);
  return out;
}

/** Every variable name the expression may bind, anywhere. */
export function boundNames(root: AstNode): Set<string> {
  const names = new Set<string>();
  const visit = (node: AstNode): void => {
    if (node.type === "bind" && node.lhs && !Array.isArray(node.lhs)) names.add(String(node.lhs.value));
    if (node.type === "lambda") node.arguments?.forEach((a) => names.add(String(a.value)));
    // Tuple streams bind the focus (`@$x`) and position (`#$i`) variables in the frames of their tuples.
    if (node.focus !== undefined) names.add(node.focus);
    if (node.index !== undefined) names.add(node.index);
    for (const stage of node.stages ?? []) if (stage.type === "index" && stage.value) names.add(stage.value);
    children(node).forEach(visit);
  };
  visit(root);
  return names;
}

/** A block or a lambda body starts a frame; a thunk does not. */
function startsFrame(node: AstNode): boolean {
  return node.type === "block" || (node.type === "lambda" && node.thunk !== true);
}

/** Whether evaluating `block` binds a variable in the block's own frame. */
export function bindsDirectly(block: AstNode): boolean {
  const visit = (node: AstNode): boolean => {
    if (node.type === "bind") return true;
    return children(node).some((child) => !startsFrame(child) && visit(child));
  };
  return (block.expressions ?? []).some((e) => !startsFrame(e) && visit(e));
}
