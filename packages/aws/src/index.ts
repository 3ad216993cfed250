/**
 * `@logshipper/aws`: the AWS code every AWS plugin shares, kept out of core (plugins that never talk to AWS
 * do not carry the AWS SDK): the option fragment, credentials, region resolution. Test support (a loopback
 * STS, the SigV4 check) is in `@logshipper/aws/testing`.
 */
export {
  awsOptions,
  awsOptionsSchema,
  awsCredentials,
  checkAwsOptions,
  externalIdText,
  httpUrl,
  ROLE_ARN_PATTERN,
  type AwsOptions,
  type AwsCredentials,
} from "./options.js";
export {
  credentialProvider,
  memoize,
  sessionNameFor,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  type CredentialOptions,
  type CredentialSettings,
  type MemoizeOptions,
} from "./credentials.js";
export { resolveRegion, DEFAULT_REGION } from "./region.js";
