/** `@logshipper/core/testing`: a fake context, contract tests, record builders and pull helpers for plugin authors. */
export { fakeContext, type FakeContext, type LogEntry } from "./context.js";
export { sourceContract, destinationContract } from "./contracts.js";
export { logRecord, outputRecord, sampleOutputRecords, type OutputRecordFields } from "./records.js";
export { pullAll, pullError, batchOrigins, type PullOptions } from "./pull.js";
export { systemProgram, type SystemProgram, type SystemProgramOptions } from "./system-programs.js";
