/**
 * The clients of one `cloudtrail-lake` destination, created on first use (`create` also runs for `validate`,
 * which must do no I/O): the data plane (PutAuditEvents, client.ts) and the control plane (GetChannel,
 * control.ts), sharing one memoized credential provider (credentials.ts).
 */
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { AwsCredentialIdentityProvider } from "@logshipper/aws";
import { CloudTrailDataClient } from "./client.js";
import type { CloudTrailLakeConfig } from "./config.js";
import { createControlClient } from "./control.js";
import { credentialProvider } from "./credentials.js";

export class LakeClients {
  private credentials: AwsCredentialIdentityProvider | undefined;
  private dataClient: CloudTrailDataClient | undefined;
  private controlClient: CloudTrailClient | undefined;

  constructor(
    private readonly config: CloudTrailLakeConfig,
    private readonly region: string,
    /** The data plane's endpoint: `endpoint`, else the channel's regional one. */
    private readonly endpoint: string,
  ) {}

  private creds(): AwsCredentialIdentityProvider {
    return (this.credentials ??= credentialProvider(this.config, this.region));
  }

  data(): CloudTrailDataClient {
    return (this.dataClient ??= new CloudTrailDataClient({
      endpoint: this.endpoint,
      region: this.region,
      credentials: this.creds(),
      timeoutMs: this.config.timeout,
      maxSockets: this.config.concurrency * 2,
    }));
  }

  control(): CloudTrailClient {
    return (this.controlClient ??= createControlClient({
      region: this.region,
      credentials: this.creds(),
      endpoint: this.config.controlEndpoint,
      fips: this.config.fips,
      dualstack: this.config.dualstack,
      timeoutMs: this.config.timeout,
    }));
  }

  close(): void {
    this.dataClient?.close();
    this.controlClient?.destroy();
    this.dataClient = undefined;
    this.controlClient = undefined;
  }
}
