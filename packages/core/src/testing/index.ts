/** `@logshipper/core/testing`: a fake context and contract tests for plugin authors. */
export { fakeContext, type FakeContext, type LogEntry } from "./context.js";
export { sourceContract, destinationContract, sampleOutputRecords } from "./contracts.js";
