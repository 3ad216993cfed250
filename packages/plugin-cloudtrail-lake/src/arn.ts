/**
 * Channel ARNs and the CloudTrail Data endpoints they lead to.
 *
 * A channel ARN is `arn:<partition>:cloudtrail:<region>:<account>:channel/<id>`: it names the region (where the
 * PutAuditEvents call must go), the account that owns the channel (the only valid `recipientAccountId` of its
 * events, and the key of the client-side rate limit) and the partition (the DNS suffix of the endpoint).
 */

export interface ChannelArn {
  arn: string;
  partition: string;
  region: string;
  account: string;
  id: string;
}

export const CHANNEL_ARN_PATTERN =
  /^arn:(aws(?:-[a-z]+)*):cloudtrail:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):channel\/([-_.A-Za-z0-9]{1,256})$/;

/** The parts of a channel ARN, or undefined when `text` is not one. */
export function parseChannelArn(text: string): ChannelArn | undefined {
  const m = CHANNEL_ARN_PATTERN.exec(text);
  if (!m) return undefined;
  return { arn: text, partition: m[1]!, region: m[2]!, account: m[3]!, id: m[4]! };
}

/** An event data store ARN (`arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/ID`) or its bare ID. */
export interface EventDataStoreRef {
  /** What the SQL `FROM` clause takes: the ID, the last part of the ARN. */
  id: string;
  region?: string;
  account?: string;
}

const EDS_ARN =
  /^arn:aws(?:-[a-z]+)*:cloudtrail:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):eventdatastore\/([-_A-Za-z0-9]+)$/;
const EDS_ID = /^[-_A-Za-z0-9]{1,256}$/;

export function parseEventDataStore(text: string): EventDataStoreRef | undefined {
  const arn = EDS_ARN.exec(text);
  if (arn) return { id: arn[3]!, region: arn[1]!, account: arn[2]! };
  return EDS_ID.test(text) ? { id: text } : undefined;
}

interface PartitionSuffixes {
  /** `cloudtrail-data.us-east-1.amazonaws.com` */
  dns: string;
  /** Dual-stack (IPv4 and IPv6): `cloudtrail-data.us-east-1.api.aws` */
  dualstack: string;
}

const PARTITIONS: Record<string, PartitionSuffixes> = {
  aws: { dns: "amazonaws.com", dualstack: "api.aws" },
  "aws-us-gov": { dns: "amazonaws.com", dualstack: "api.aws" },
  "aws-cn": { dns: "amazonaws.com.cn", dualstack: "api.amazonwebservices.com.cn" },
  "aws-iso": { dns: "c2s.ic.gov", dualstack: "c2s.ic.gov" },
  "aws-iso-b": { dns: "sc2s.sgov.gov", dualstack: "sc2s.sgov.gov" },
};

export interface EndpointOptions {
  partition: string;
  region: string;
  fips: boolean;
  dualstack: boolean;
}

/** The CloudTrail Data endpoint: `https://cloudtrail-data[-fips].<region>.<amazonaws.com | api.aws>`. */
export function dataEndpoint(options: EndpointOptions): string {
  const suffixes = PARTITIONS[options.partition] ?? PARTITIONS.aws!;
  const host = `cloudtrail-data${options.fips ? "-fips" : ""}.${options.region}`;
  return `https://${host}.${options.dualstack ? suffixes.dualstack : suffixes.dns}`;
}
