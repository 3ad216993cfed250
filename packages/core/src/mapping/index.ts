/**
 * SIEM mappings: JSONata compilation, evaluation with record bindings, and unmapped fields (on
 * @logshipper/jsonata-compiler; docs/architecture.md, A record's path).
 */
export {
  compileMapping,
  mapRecord,
  mapRecordSync,
  type CompiledMapping,
  type CompileMappingOptions,
  type MappedRecord,
} from "./compile.js";
export { DEFAULT_MAPPING_BUDGET, type MappingBudget } from "./budget.js";
export { MappingError, type MappingErrorCode, type MappingErrorDetails } from "./errors.js";
export { analyzeReads, formatFieldPath, FieldReads } from "@logshipper/jsonata-compiler";
