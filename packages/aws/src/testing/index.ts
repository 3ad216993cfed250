/** `@logshipper/aws/testing`: loopback AWS for tests and benchmarks (SigV4 checked as AWS checks it). */
export {
  verifySigV4,
  knownKeys,
  rawRequest,
  type KeyLookup,
  type KnownKey,
  type RawRequest,
  type SigV4Result,
} from "./sigv4.js";
export { listenLoopback, type LoopbackHandler, type LoopbackHttp } from "./loopback-http.js";
export {
  FakeSts,
  answerAssumeRole,
  stsError,
  type AssumedRole,
  type FakeStsOptions,
  type StsRole,
} from "./sts.js";
