/**
 * Error codes, the fastify way: every `LS_ERR_` code is defined once in a package's catalog (`ERROR_CODES` in
 * its `src/error-codes.ts`; core's built-in file plugin has its own in `plugins/file/error-codes.ts`), and
 * the documentation lists exactly the codes defined:
 * - docs/errors.md lists the union of every catalog (core's and the file plugin's codes with their meaning,
 *   each plugin's in an index that points to the plugin's README);
 * - each plugin's README lists exactly its own catalog (and may mention core's codes);
 * - no non-test source file outside the catalogs writes an `LS_ERR_` string literal.
 * Catalogs are found by glob, so a package that adds one is checked without changing this test.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = path.join(ROOT, "packages");
const CATALOG_FILE = "error-codes.ts";

interface Catalog {
  /** Repository-relative path of the catalog file. */
  file: string;
  /** Repository-relative path of the document that must list exactly these codes besides docs/errors.md. */
  readme: string | undefined;
  codes: Map<string, string>;
}

/** Codes mentioned in a text; `LS_ERR_S3_*`, `LS_ERR_FILE_<ERRNO>` and `LS_ERR_...` are patterns, not codes. */
function codesIn(text: string): Set<string> {
  const codes = (text.match(/LS_ERR_[A-Z0-9_]*/g) ?? []).filter((code) => !code.endsWith("_"));
  return new Set(codes);
}

function catalogFiles(): { file: string; readme: string | undefined }[] {
  const found: { file: string; readme: string | undefined }[] = [];
  for (const pkg of fs.readdirSync(PACKAGES).sort()) {
    const file = `packages/${pkg}/src/${CATALOG_FILE}`;
    if (!fs.existsSync(path.join(ROOT, file))) continue;
    found.push({ file, readme: pkg === "core" ? undefined : `packages/${pkg}/README.md` });
  }
  const filePlugin = `packages/core/src/plugins/file/${CATALOG_FILE}`;
  if (fs.existsSync(path.join(ROOT, filePlugin))) found.push({ file: filePlugin, readme: undefined });
  return found;
}

async function loadCatalogs(): Promise<Catalog[]> {
  const catalogs: Catalog[] = [];
  for (const { file, readme } of catalogFiles()) {
    const module = (await import(pathToFileURL(path.join(ROOT, file)).href)) as { ERROR_CODES?: unknown };
    expect(module.ERROR_CODES, `${file} exports ERROR_CODES`).toBeTypeOf("object");
    const codes = new Map(Object.entries(module.ERROR_CODES as Record<string, string>));
    catalogs.push({ file, readme, codes });
  }
  return catalogs;
}

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");

/** What `listed` lacks and what it has too many of against `defined`, as sorted lists (both empty when the sets are equal). */
function difference(listed: Set<string>, defined: Set<string>): { missing: string[]; extra: string[] } {
  return {
    missing: [...defined].filter((code) => !listed.has(code)).sort(),
    extra: [...listed].filter((code) => !defined.has(code)).sort(),
  };
}

/** Non-test `.ts` files under packages/<pkg>/src, catalogs excluded, repository-relative. */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const pkg of fs.readdirSync(PACKAGES)) {
    const src = path.join(PACKAGES, pkg, "src");
    if (!fs.existsSync(src)) continue;
    for (const entry of fs.readdirSync(src, { recursive: true, encoding: "utf8" })) {
      const name = path.basename(entry);
      if (!name.endsWith(".ts") || name.endsWith(".test.ts") || name === CATALOG_FILE) continue;
      files.push(path.relative(ROOT, path.join(src, entry)).split(path.sep).join("/"));
    }
  }
  return files.sort();
}

/** `file:line: text` for each string or template literal of a file that contains `LS_ERR_` (comments aside). */
function codeLiterals(file: string): string[] {
  const text = read(file);
  if (!text.includes("LS_ERR_")) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const isLiteral = ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node);
    if (isLiteral && node.text.includes("LS_ERR_")) {
      // A template's head stands for the whole template (`LS_ERR_FILE_${code}`).
      const literal = ts.isTemplateHead(node) ? node.parent : node;
      const { line } = source.getLineAndCharacterOfPosition(literal.getStart(source));
      found.push(`${file}:${line + 1}: ${literal.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("error catalogs", async () => {
  const catalogs = await loadCatalogs();
  const core = catalogs.filter((catalog) => catalog.readme === undefined);
  const coreCodes = new Set(core.flatMap((catalog) => [...catalog.codes.values()]));

  it("finds core's catalog and the plugins'", () => {
    const files = catalogs.map((catalog) => catalog.file);
    expect(files).toContain("packages/core/src/error-codes.ts");
    expect(files.filter((file) => file.includes("/plugin-")).length).toBeGreaterThanOrEqual(2);
  });

  it.each(catalogs.map((catalog) => [catalog.file, catalog] as const))(
    "%s: every key is its code without LS_ERR_",
    (_file, catalog) => {
      const wrong = [...catalog.codes].filter(([key, code]) => code !== `LS_ERR_${key}`);
      expect(wrong, "keys whose code is not LS_ERR_<key>").toEqual([]);
    },
  );

  it("defines each code in one catalog only", () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const catalog of catalogs) {
      for (const code of catalog.codes.values()) {
        const other = seen.get(code);
        if (other !== undefined) twice.push(`${code} (${other} and ${catalog.file})`);
        seen.set(code, catalog.file);
      }
    }
    expect(twice).toEqual([]);
  });

  it("docs/errors.md lists exactly the codes of every catalog", () => {
    const defined = new Set(catalogs.flatMap((catalog) => [...catalog.codes.values()]));
    const { missing, extra } = difference(codesIn(read("docs/errors.md")), defined);
    expect(
      { missing, extra },
      "docs/errors.md: codes missing (defined, not listed) and extra (listed, not defined)",
    ).toEqual({ missing: [], extra: [] });
  });

  it.each(
    catalogs
      .filter((catalog) => catalog.readme !== undefined)
      .map((catalog) => [catalog.readme, catalog] as const),
  )("%s lists exactly its package's codes", (readme, catalog) => {
    // A README may mention core's codes (LS_ERR_OUTPUT_SCHEMA, ...); the rest must be the package's own.
    const own = new Set([...codesIn(read(readme ?? ""))].filter((code) => !coreCodes.has(code)));
    const { missing, extra } = difference(own, new Set(catalog.codes.values()));
    expect({ missing, extra }, `${readme}: codes missing and extra against ${catalog.file}`).toEqual({
      missing: [],
      extra: [],
    });
  });

  it("no source file outside the catalogs writes an LS_ERR_ string", () => {
    expect(sourceFiles().flatMap(codeLiterals)).toEqual([]);
  });
});
