import { z } from "zod";

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "500ms", "60s", "5m", "1h", "7d", or a number of milliseconds. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  return Math.round(Number(m[1]) * (DURATION_UNITS[m[2].toLowerCase()] ?? NaN));
}

/** "10MB" (10^6), "8MiB" (2^20), "512KiB", or a number of bytes. */
export function parseByteSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 ? text : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const unit = SIZE_UNITS[(m[2] ?? "b").toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** zod type for a duration option; the parsed value is milliseconds. */
export function duration() {
  return z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `invalid duration ${JSON.stringify(v)} (use e.g. 500ms, 60s, 5m, 7d)`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ description: "duration: milliseconds, or a string such as 500ms, 60s, 5m, 1h, 7d" });
}

/** zod type for a size option; the parsed value is bytes. */
export function byteSize() {
  return z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const n = parseByteSize(v);
      if (n === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `invalid size ${JSON.stringify(v)} (use e.g. 1048576, 512KiB, 8MiB, 10MB)`,
        });
        return z.NEVER;
      }
      return n;
    })
    .meta({ description: "size: bytes, or a string such as 512KiB, 8MiB, 10MB" });
}
