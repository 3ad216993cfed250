/**
 * The fields an expression reads, as a trie of field paths, and the "unmapped fields" of an input: a copy of
 * it without those fields.
 */
import { isLosslessNumber } from "../compiler/lossless.js";

/** A field path in the input: `[]` is the whole input, `["user", "name"]` is `user.name`. */
export type FieldPath = readonly string[];

export interface TrieNode {
  full: boolean;
  children: Map<string, TrieNode>;
}

export function newNode(): TrieNode {
  return { full: false, children: new Map() };
}
/** The fields an expression reads, and how to take them out of a record's data. */
export class FieldReads {
  /** True when the expression reads the whole input: nothing is ever unmapped. */
  readonly readsAll: boolean;
  /** The paths read, as segments, sorted; a path covers everything beneath it. Empty when `readsAll`. */
  readonly paths: readonly (readonly string[])[];
  /** The same in JSONata notation: `user.name`, `` `src ip` ``; just `$` when `readsAll`. */
  readonly readPaths: ReadonlySet<string>;
  private readonly root: TrieNode;

  constructor(readsAll: boolean, root: TrieNode) {
    this.readsAll = readsAll;
    this.root = readsAll ? newNode() : root;
    const paths: string[][] = [];
    const walk = (node: TrieNode, prefix: string[]): void => {
      if (node.full) {
        paths.push(prefix);
        return;
      }
      for (const [segment, child] of node.children) walk(child, [...prefix, segment]);
    };
    if (!readsAll) walk(root, []);
    const display = paths.map(formatFieldPath);
    const order = display.map((_, i) => i).sort((a, b) => (display[a]! < display[b]! ? -1 : 1));
    this.paths = order.map((i) => paths[i]!);
    this.readPaths = new Set(readsAll ? ["$"] : order.map((i) => display[i]!));
  }

  /**
   * A copy of `data` without the fields read, removing nested paths precisely (reading `user.name` keeps
   * `user.email`; through arrays, reading `items.id` keeps the other members of each item). Returns undefined
   * when nothing is left, when the whole input is read, or when `data` is not an object. Values the mapping
   * never touched are shared with `data`, not cloned: treat the result as read-only.
   */
  unmappedFields(data: unknown): Record<string, unknown> | undefined {
    if (this.readsAll || !isObject(data)) return undefined;
    const rest = stripObject(data, this.root);
    if (rest === REMOVED) return undefined;
    const out = rest === data ? { ...data } : rest;
    return Object.keys(out).length === 0 ? undefined : out;
  }
}

const REMOVED = Symbol("removed");

function isObject(value: unknown): value is Record<string, unknown> {
  // A LosslessNumber (a number a double cannot hold) is a leaf, not an object with fields.
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

function stripValue(value: unknown, node: TrieNode): unknown {
  if (Array.isArray(value)) {
    // Paths go through arrays (`items.id` reads the `id` of every item).
    if (value.length === 0) return value;
    let changed = false;
    const out: unknown[] = [];
    for (const item of value) {
      const rest = stripValue(item, node);
      if (rest !== item) changed = true;
      if (rest !== REMOVED) out.push(rest);
    }
    if (!changed) return value;
    return out.length === 0 ? REMOVED : out;
  }
  if (isObject(value)) return stripObject(value, node);
  return value; // a scalar where the mapping looked for members: not read
}

function stripObject(obj: Record<string, unknown>, node: TrieNode): Record<string, unknown> | typeof REMOVED {
  const entries: [string, unknown][] = [];
  let changed = false;
  for (const [key, value] of Object.entries(obj)) {
    const child = node.children.get(key);
    if (!child) {
      entries.push([key, value]);
      continue;
    }
    if (child.full) {
      changed = true;
      continue;
    }
    const rest = stripValue(value, child);
    if (rest === REMOVED) {
      changed = true;
      continue;
    }
    if (rest !== value) changed = true;
    entries.push([key, rest]);
  }
  if (!changed) return obj;
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return entries.length === 0 ? REMOVED : Object.fromEntries(entries);
}

/** `["user", "name"]` -> `user.name`; segments that are not plain names are back-quoted as in JSONata. */
export function formatFieldPath(path: readonly string[]): string {
  if (path.length === 0) return "$";
  return path.map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `\`${s}\``)).join(".");
}
