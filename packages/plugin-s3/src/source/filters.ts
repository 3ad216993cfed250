/**
 * `include` / `exclude` glob patterns on object keys. `*` and `?` stay within one `/`-separated segment, `**`
 * crosses segments, and `**\/` also matches no segment at all, so `**\/CloudTrail-Digest/**` matches
 * `AWSLogs/123456789012/CloudTrail-Digest/us-east-1/...` and `CloudTrail-Digest/x`.
 */

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(c) ? `\\${c}` : c;
}

/** A glob as a regular expression over a whole key. Linear: no nested quantifiers. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        i++;
        if (glob[i + 1] === "/") {
          i++;
          re += "(?:[^]*/)?";
        } else re += "[^]*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += escape(c);
  }
  return new RegExp(`^${re}$`, "u");
}

export interface KeyFilter {
  /** True when the key should be read. */
  (key: string): boolean;
}

/** Keys matching some `include` pattern (every key when there is none) and no `exclude` pattern. */
export function keyFilter(include: readonly string[], exclude: readonly string[]): KeyFilter {
  const yes = include.map(globToRegExp);
  const no = exclude.map(globToRegExp);
  return (key) => (yes.length === 0 || yes.some((r) => r.test(key))) && !no.some((r) => r.test(key));
}
