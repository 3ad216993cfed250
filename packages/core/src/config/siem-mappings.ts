/**
 * Checks the `rules` and `siemMappings` sections (docs/configuration.md; the rule language in
 * docs/business-rules.md, mappings in docs/mappings.md): rules are compiled, and each SIEM mapping's source,
 * rule, destination and mapping file must exist (its JSONata compiled once per file).
 */
import fs from "node:fs";
import path from "node:path";
import { compileMapping, type CompiledMapping, type MappingBudget } from "../mapping/index.js";
import { compileRule, compileRuleNode, parseRule } from "../rules/index.js";
import type { ConfigIssue } from "./errors.js";
import type { DestinationConfig, RuleConfig, SiemMappingConfig, SourceConfig } from "./load.js";
import type { ConfigFile } from "./schema.js";

export const ALL_RULE = "All";
const IDENTITY_MAPPING = "$";

/** The rules of the file, with the built-in `All` (matches everything). */
export function checkRules(texts: ConfigFile["rules"], issues: ConfigIssue[]): Map<string, RuleConfig> {
  const rules = new Map<string, RuleConfig>();
  rules.set(ALL_RULE, { name: ALL_RULE, text: "", node: parseRule(""), predicate: compileRule("") });
  for (const [name, ruleText] of Object.entries(texts)) {
    if (name === ALL_RULE) {
      issues.push({ path: `rules.${name}`, message: `"${ALL_RULE}" is built in and matches everything` });
      continue;
    }
    try {
      const node = parseRule(ruleText);
      rules.set(name, { name, text: ruleText, node, predicate: compileRuleNode(node) });
    } catch (error) {
      issues.push({ path: `rules.${name}`, message: (error as Error).message });
    }
  }
  return rules;
}

/** What SIEM mappings refer to: the file's sections and what of them checked out. */
export interface MappingTargets {
  cfg: ConfigFile;
  baseDir: string;
  sources: Map<string, SourceConfig>;
  destinations: Map<string, DestinationConfig>;
  rules: Map<string, RuleConfig>;
}

/** The enabled SIEM mappings whose every part is valid; each problem is added to `issues`. */
export function checkSiemMappings(targets: MappingTargets, issues: ConfigIssue[]): SiemMappingConfig[] {
  const { cfg, sources, destinations, rules } = targets;
  const siemMappings: SiemMappingConfig[] = [];
  const mappingNames = new Set<string>();
  const compiledFiles = new Map<string, CompiledMapping>();
  for (const [i, entry] of cfg.siemMappings.entries()) {
    if (!entry.enabled) continue;
    const prefix = `siemMappings[${i}]`;
    const declared = cfg.sources[entry.source] !== undefined;
    if (!declared) issues.push({ path: `${prefix}.source`, message: `no source named "${entry.source}"` });
    const destDeclared = cfg.destinations[entry.destination] !== undefined;
    if (!destDeclared)
      issues.push({ path: `${prefix}.destination`, message: `no destination named "${entry.destination}"` });
    const rule = rules.get(entry.rule);
    if (!rule && cfg.rules[entry.rule] === undefined)
      issues.push({ path: `${prefix}.rule`, message: `no rule named "${entry.rule}"` });
    const name = entry.name ?? `${entry.source}.${entry.rule}.${entry.destination}`;
    if (mappingNames.has(name))
      issues.push({ path: `${prefix}.name`, message: `duplicate SIEM mapping "${name}" (give it a name)` });
    mappingNames.add(name);
    const dest = destinations.get(entry.destination);
    const budget = {
      maxMillis: entry.budget.maxTime,
      maxSteps: entry.budget.maxSteps,
      maxItems: entry.budget.maxItems,
    };
    const { mapping, mappingFile } = resolveMapping(
      { file: entry.mapping, budget },
      dest,
      targets.baseDir,
      compiledFiles,
      (message) => issues.push({ path: `${prefix}.mapping`, message }),
    );
    if (rule && mapping && sources.has(entry.source) && dest)
      siemMappings.push({
        name,
        source: entry.source,
        rule,
        destination: entry.destination,
        mappingFile,
        mapping,
      });
  }
  return siemMappings;
}

/**
 * A SIEM mapping's JSONata: its `mapping` file (compiled once however many SIEM mappings name it), else the
 * destination plugin's default mapping, else the identity. A file that cannot be read or compiled is
 * reported through `fail` and gives no mapping.
 */
function resolveMapping(
  { file, budget }: { file: string | undefined; budget: MappingBudget },
  dest: DestinationConfig | undefined,
  baseDir: string,
  compiledFiles: Map<string, CompiledMapping>,
  fail: (message: string) => void,
): { mapping: CompiledMapping | undefined; mappingFile: string } {
  let mapping: CompiledMapping | undefined;
  let mappingFile = "(identity)";
  try {
    if (file) {
      mappingFile = path.resolve(baseDir, file);
      // One compilation per file and budget (the budget is part of the compiled evaluator).
      const key = `${mappingFile}\0${JSON.stringify(budget)}`;
      mapping = compiledFiles.get(key);
      if (!mapping) {
        mapping = compileMapping(readMapping(mappingFile, file), file, { budget });
        compiledFiles.set(key, mapping);
      }
    } else if (dest) {
      mappingFile = `(default mapping of ${dest.plugin.name})`;
      mapping = compileMapping(dest.plugin.defaultMapping ?? IDENTITY_MAPPING, mappingFile, { budget });
    }
  } catch (error) {
    fail((error as Error).message);
  }
  return { mapping, mappingFile };
}

function readMapping(absolute: string, file: string): string {
  try {
    return fs.readFileSync(absolute, "utf8");
  } catch (error) {
    throw new Error(`cannot read mapping ${file}: ${(error as Error).message}`, { cause: error });
  }
}
