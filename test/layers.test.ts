/**
 * The import rules of docs/architecture.md ("Layers"), checked over every `.ts` file under packages/<pkg>/src:
 * each import, `export ... from` and dynamic `import("literal")` whose target breaks a rule is reported as
 * `file:line: specifier: rule`. Specifiers come from the TypeScript compiler's own pre-processor
 * (`ts.preProcessFile`), so comments and strings that merely look like imports are not counted.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = path.join(ROOT, "packages");

interface SourceFile {
  /** Directory name under packages/ (`core`, `plugin-s3`, `_template`, ...). */
  pkg: string;
  /** Path inside the package's src/, with `/` separators (`sdk/types.ts`). */
  inSrc: string;
  /** A `*.test.ts` file or a file of the package's `src/testing/` (test code, with the test kit's rights). */
  isTest: boolean;
  absolute: string;
}

interface ImportSite {
  file: SourceFile;
  specifier: string;
  line: number;
}

/** What a rule says about one import: `undefined` when allowed, otherwise the rule it breaks. */
type Rule = (site: ImportSite) => string | undefined;

function listSourceFiles(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const pkg of fs.readdirSync(PACKAGES)) {
    const src = path.join(PACKAGES, pkg, "src");
    if (!fs.existsSync(src)) continue;
    for (const entry of fs.readdirSync(src, { recursive: true, encoding: "utf8" })) {
      const inSrc = entry.split(path.sep).join("/");
      if (!inSrc.endsWith(".ts") || inSrc.endsWith(".d.ts")) continue;
      const isTest = inSrc.endsWith(".test.ts") || inSrc.startsWith("testing/");
      files.push({ pkg, inSrc, isTest, absolute: path.join(src, entry) });
    }
  }
  return files;
}

function importSites(file: SourceFile): ImportSite[] {
  const text = fs.readFileSync(file.absolute, "utf8");
  const { importedFiles } = ts.preProcessFile(text, true, true);
  // 1-based line of a position: one plus the line breaks before it.
  const lineAt = (pos: number): number => text.slice(0, pos).split("\n").length;
  return importedFiles.map((ref) => ({ file, specifier: ref.fileName, line: lineAt(ref.pos) }));
}

const isRelative = (specifier: string): boolean => specifier.startsWith("./") || specifier.startsWith("../");
const isProjectPackage = (specifier: string): boolean => specifier.startsWith("@logshipper/");
const isPluginPackage = (pkg: string): boolean => pkg.startsWith("plugin-") || pkg === "_template";

/** The target of a relative import, as a path under packages/ (`core/src/sdk/types.js`). */
function relativeTarget(site: ImportSite): string {
  const from = path.posix.dirname(`${site.file.pkg}/src/${site.file.inSrc}`);
  return path.posix.normalize(path.posix.join(from, site.specifier));
}

/** Every package: a relative import stays inside its own package (another package is reached by its name). */
const staysInPackage: Rule = (site) => {
  if (!isRelative(site.specifier)) return undefined;
  return relativeTarget(site).startsWith(`${site.file.pkg}/`)
    ? undefined
    : "a relative import must stay inside its own package; import another package by its name";
};

/** Plugins: the SDK, `@logshipper/aws`, and in test code the test kits; never core's root or deep paths. */
const pluginImports: Rule = (site) => {
  const { specifier, file } = site;
  if (!isProjectPackage(specifier)) return undefined;
  if (specifier === "@logshipper/core/sdk" || specifier === "@logshipper/aws") return undefined;
  const testKit = specifier === "@logshipper/core/testing" || /^@logshipper\/[^/]+\/testing$/.test(specifier);
  if (testKit && file.isTest) return undefined;
  if (testKit) return "a test kit (`/testing`) may be imported only by test files and src/testing/";
  return "a plugin imports only `@logshipper/core/sdk` and `@logshipper/aws` (and `/testing` kits in tests)";
};

/** The SDK and the codecs: each other and error-codes.ts, never the engine or another project package. */
const sdkImports: Rule = (site) => {
  const { specifier } = site;
  if (isProjectPackage(specifier)) return "sdk/ and formats/ import no `@logshipper/*` package";
  if (!isRelative(specifier)) return undefined;
  const target = relativeTarget(site);
  const allowed =
    target.startsWith("core/src/sdk/") ||
    target.startsWith("core/src/formats/") ||
    target === "core/src/error-codes.js" ||
    target === "core/src/error-codes.ts";
  return allowed
    ? undefined
    : "sdk/ and formats/ import only sdk/, formats/ and error-codes.ts (no engine module)";
};

/** The built-in file plugin: like any plugin, only the SDK and codecs (test code may use the test kit too). */
const filePluginImports: Rule = (site) => {
  const { specifier, file } = site;
  if (isProjectPackage(specifier)) return "the built-in file plugin imports no `@logshipper/*` package";
  if (!isRelative(specifier)) return undefined;
  const target = relativeTarget(site);
  if (
    ["core/src/plugins/file/", "core/src/sdk/", "core/src/formats/"].some((dir) => target.startsWith(dir))
  ) {
    return undefined;
  }
  if (file.isTest && target.startsWith("core/src/testing/")) return undefined;
  return "the built-in file plugin imports only sdk/ and formats/, like any plugin";
};

/** Core: no plugin package, statically or by a dynamic import of a literal (plugins are found by manifest). */
const coreImports: Rule = (site) =>
  /^@logshipper\/plugin-/.test(site.specifier)
    ? "core never imports a plugin package (plugins are found through their package.json manifest)"
    : undefined;

const jsonataCompilerImports: Rule = (site) =>
  isProjectPackage(site.specifier) ? "jsonata-compiler imports nothing of `@logshipper/*`" : undefined;

const awsImports: Rule = (site) =>
  isProjectPackage(site.specifier) && site.specifier !== "@logshipper/core/sdk"
    ? "packages/aws imports only `@logshipper/core/sdk`"
    : undefined;

function rulesFor(file: SourceFile): Rule[] {
  if (isPluginPackage(file.pkg)) return [staysInPackage, pluginImports];
  if (file.pkg === "jsonata-compiler") return [staysInPackage, jsonataCompilerImports];
  if (file.pkg === "aws") return [staysInPackage, awsImports];
  if (file.pkg !== "core") return [staysInPackage];
  if (file.inSrc.startsWith("sdk/") || file.inSrc.startsWith("formats/")) {
    return [staysInPackage, coreImports, sdkImports];
  }
  if (file.inSrc.startsWith("plugins/file/")) return [staysInPackage, coreImports, filePluginImports];
  return [staysInPackage, coreImports];
}

/**
 * Which files are checked: every non-test file; and the test files of plugins, whose rules (test kits only
 * in tests) the architecture states too. Core's own tests may reach into any core module.
 */
function isChecked(file: SourceFile): boolean {
  return !file.isTest || isPluginPackage(file.pkg) || file.pkg === "aws";
}

/** The rules one import breaks, each as `packages/<pkg>/src/<file>:<line>: \`<specifier>\`: <rule>`. */
function brokenRules(site: ImportSite): string[] {
  const where = `packages/${site.file.pkg}/src/${site.file.inSrc}:${site.line}`;
  return rulesFor(site.file)
    .map((rule) => rule(site))
    .filter((broken) => broken !== undefined)
    .map((broken) => `${where}: \`${site.specifier}\`: ${broken}`);
}

function violations(): string[] {
  return listSourceFiles()
    .filter(isChecked)
    .flatMap((file) => importSites(file).flatMap(brokenRules));
}

/** An import written in `pkg/src/inSrc`, for checking the rules themselves. */
function site(pkg: string, inSrc: string, specifier: string): ImportSite {
  const isTest = inSrc.endsWith(".test.ts") || inSrc.startsWith("testing/");
  return { file: { pkg, inSrc, isTest, absolute: "" }, specifier, line: 1 };
}

describe("import layers (docs/architecture.md)", () => {
  it("finds the packages' source files", () => {
    const pkgs = new Set(listSourceFiles().map((file) => file.pkg));
    for (const pkg of ["core", "jsonata-compiler", "aws", "plugin-s3"]) expect(pkgs).toContain(pkg);
  });

  it.each([
    ["plugin-s3", "source.ts", "@logshipper/core"],
    ["plugin-s3", "source.ts", "@logshipper/core/testing"],
    ["plugin-s3", "source.ts", "../../core/src/sdk/index.js"],
    ["plugin-s3", "source.test.ts", "@logshipper/plugin-syslog/src/index.js"],
    ["_template", "client.ts", "@logshipper/jsonata-compiler"],
    ["core", "sdk/types.ts", "../engine/engine.js"],
    ["core", "sdk/types.ts", "@logshipper/jsonata-compiler"],
    ["core", "plugins/file/source.ts", "../../config/load.js"],
    ["core", "engine/engine.ts", "@logshipper/plugin-s3"],
    ["jsonata-compiler", "index.ts", "@logshipper/core/sdk"],
    ["aws", "options.ts", "@logshipper/core"],
  ])("flags %s/src/%s importing %s", (pkg, inSrc, specifier) => {
    expect(brokenRules(site(pkg, inSrc, specifier))).not.toEqual([]);
  });

  it.each([
    ["plugin-s3", "source.ts", "@logshipper/core/sdk"],
    ["plugin-s3", "source.ts", "@logshipper/aws"],
    ["plugin-s3", "source.test.ts", "@logshipper/core/testing"],
    ["plugin-s3", "testing/server.ts", "@logshipper/aws/testing"],
    ["core", "sdk/errors.ts", "../error-codes.js"],
    ["core", "sdk/formats.ts", "../formats/ndjson.js"],
    ["core", "plugins/file/source.ts", "../../sdk/index.js"],
    ["core", "engine/engine.ts", "@logshipper/jsonata-compiler"],
  ])("allows %s/src/%s importing %s", (pkg, inSrc, specifier) => {
    expect(brokenRules(site(pkg, inSrc, specifier))).toEqual([]);
  });

  it("has no import that breaks a layer rule", () => {
    expect(violations()).toEqual([]);
  });
});
