import { ERROR_CODES } from "../error-codes.js";
import { LogShipperError } from "../sdk/errors.js";

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Every problem found in a configuration file, reported together. The CLI prints them and exits 2. */
export class ConfigError extends LogShipperError {
  readonly issues: ConfigIssue[];
  readonly file: string;
  constructor(file: string, issues: ConfigIssue[]) {
    super(
      ERROR_CODES.CONFIG_INVALID,
      `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n` +
        issues.map((i) => `  ${i.path}: ${i.message}`).join("\n"),
    );
    this.issues = issues;
    this.file = file;
  }
}
