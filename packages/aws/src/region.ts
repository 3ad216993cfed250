/**
 * Where the calls go: the region from the options or what the plugin knows (a channel ARN names its region),
 * else the environment (AWS_REGION, AWS_DEFAULT_REGION, as the SDK reads them), else us-east-1. The endpoint
 * stays the SDK's regional one unless the plugin's `endpoint` option overrides it.
 */

export const DEFAULT_REGION = "us-east-1";

/** The first region given, else the environment's, else `us-east-1`. */
export function resolveRegion(
  candidates: readonly (string | undefined)[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  for (const region of candidates) if (region !== undefined && region !== "") return region;
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
}
