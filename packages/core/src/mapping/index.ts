/** SIEM mappings: JSONata compilation, evaluation with record bindings, and unmapped fields (DESIGN §6). */
export {
  compileMapping,
  mapRecord,
  mapRecordSync,
  type CompiledMapping,
  type CompileMappingOptions,
  type MappedRecord,
} from "./compile.js";
export { MappingError, type MappingErrorCode, type MappingErrorDetails } from "./errors.js";
export { analyzeReads, formatFieldPath, FieldReads } from "./unmapped.js";
