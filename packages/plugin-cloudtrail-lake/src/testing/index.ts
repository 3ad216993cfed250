/** The loopback CloudTrail Lake, for this package's tests, the end-to-end tests and the benchmark. */
export {
  FakeLake,
  startFakeLake,
  sendAwsError,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  type AcceptedEvent,
  type FakeChannel,
  type FakeChannelInit,
  type FakeLakeOptions,
  type Fault,
  type RandomFaults,
  type RequestLog,
} from "./fake-lake.js";
export { checkEventData } from "./fake-data-plane.js";
export type { FakeQuery } from "./fake-control-plane.js";
export { lakeEvent, lakeRecords, outputRecord } from "./records.js";
