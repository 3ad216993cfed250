/**
 * The read analysis on its own (the mapping layer of Log Shipper tests it further through its mappings):
 * which paths an expression reads, and what is left of an input without them.
 */
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { analyzeReads, formatFieldPath } from "../index.js";

const reads = (text: string) => analyzeReads(jsonata(text).ast());

describe("analyzeReads", () => {
  it("reads paths through navigation, and the values it uses", () => {
    const r = reads(`{"who": user.name, "high": severity = "high", "ids": items.id}`);
    expect(r.readsAll).toBe(false);
    expect([...r.readPaths]).toEqual(["items.id", "severity", "user.name"]);
    expect(r.paths).toEqual([["items", "id"], ["severity"], ["user", "name"]]);
  });

  it("leaves the fields it does not read in the unmapped fields, through arrays", () => {
    const r = reads(`{"who": user.name, "ids": items.id}`);
    const data = { user: { name: "a", email: "e" }, items: [{ id: 1, x: 2 }, { id: 3 }], other: true };
    expect(r.unmappedFields(data)).toEqual({ user: { email: "e" }, items: [{ x: 2 }], other: true });
    expect(r.unmappedFields({ user: { name: "a" } })).toBeUndefined();
    expect(r.unmappedFields("text")).toBeUndefined();
  });

  it.each([`$`, `{"raw": $}`, `$keys($)`, `*`, `**.id`, `$eval("a")`])("%s reads the whole input", (text) => {
    const r = reads(text);
    expect(r.readsAll).toBe(true);
    expect([...r.readPaths]).toEqual(["$"]);
    expect(r.unmappedFields({ a: 1 })).toBeUndefined();
  });

  it("follows variables and functions defined in the expression", () => {
    expect([...reads(`($u := user; $u.name)`).readPaths]).toEqual(["user.name"]);
    expect([...reads(`($f := function($x) { $x.id }; $f(item))`).readPaths]).toEqual(["item.id"]);
    expect([...reads(`$lookup(user, "name")`).readPaths]).toEqual(["user.name"]);
  });

  it("formats paths in JSONata notation", () => {
    expect(formatFieldPath([])).toBe("$");
    expect(formatFieldPath(["user", "src ip"])).toBe("user.`src ip`");
  });
});
