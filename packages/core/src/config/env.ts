/** `${NAME}` and `${NAME:-default}` substitution in string values of the parsed configuration. */
export interface EnvIssue {
  path: string;
  message: string;
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\$\{/g;

export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  issues: EnvIssue[],
  used: Set<string>,
  path = "",
): unknown {
  if (typeof value === "string") {
    return value.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === "$${") return "${"; // `$${` escapes a literal `${`
      const found = name === undefined ? undefined : env[name];
      if (found !== undefined && found !== "") {
        if (name) used.add(name);
        return found;
      }
      if (fallback !== undefined) return fallback;
      issues.push({ path: path || "(root)", message: `environment variable ${name ?? "?"} is not set` });
      return "";
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => substituteEnv(v, env, issues, used, joinPath(path, i)));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = substituteEnv(v, env, issues, used, joinPath(path, k));
    return out;
  }
  return value;
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
