/** JSON-lines logging (pino) on stderr, with every secret value of the configuration redacted. */
import { pino } from "pino";
import type { Logger } from "./sdk/types.js";

export const REDACTED = "[REDACTED]";

/** Replaces every secret value (and its JSON-escaped form) in a text. Used for logs, errors and status output. */
export class Redactor {
  private patterns: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  add(secrets: Iterable<string>): void {
    const all = new Set(this.patterns);
    for (const s of secrets) {
      // Very short values would redact ordinary words; secrets are never that short.
      if (s.length < 4) continue;
      all.add(s);
      all.add(JSON.stringify(s).slice(1, -1));
      all.add(encodeURIComponent(s));
    }
    this.patterns = [...all].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const p of this.patterns) if (out.includes(p)) out = out.split(p).join(REDACTED);
    return out;
  }
}

export interface LoggerOptions {
  level?: string;
  /** Configuration name, on every line. */
  config?: string;
  redactor: Redactor;
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const stream = { write: (line: string) => write(options.redactor.redact(line)) };
  const base: Record<string, unknown> = {};
  if (options.config) base.config = options.config;
  return pino(
    {
      level: options.level ?? process.env.LOGSHIPPER_LOG_LEVEL ?? "info",
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}
