/** The loopback S3 and SQS of the `s3` plugins, for this package's tests, the end-to-end tests and the benchmark. */
export { FakeS3, s3Options, type S3Fault, type S3Request } from "./s3-server.js";
export { FakeSqs, type FakeMessage, type SqsCall } from "./sqs-server.js";
export {
  SAMPLES,
  TRAIL_BUCKET,
  sampleMessages,
  trailObjects,
  notification,
  startSqsFixture,
  takeThenStop,
  iterate,
  dataOf,
  type SqsFixture,
} from "./sqs-fixture.js";
export { readBucket, writeBucket, testClient } from "./objects.js";
