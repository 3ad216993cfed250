/**
 * Invalid UTF-8 in source data: the parsers decode it with U+FFFD in place of each bad sequence (the record goes
 * on). Every such record or reject is counted in `logshipper_invalid_utf8_total{source}`, and the first one of
 * each source object (file, S3 object) is logged with its place, so the operator can find the bytes.
 */
import type { Counter } from "prom-client";
import type { Logger } from "../sdk/types.js";

/** Objects remembered as already logged; forgotten all at once past this (a new log line each, then). */
const MAX_OBJECTS_REMEMBERED = 10_000;

/** The object part of an origin (`path/file.ndjson:12` is line 12 of `path/file.ndjson`). */
export function originObject(origin: string): string {
  const m = /^(.*):(\d+)$/.exec(origin);
  return m ? m[1]! : origin;
}

export class InvalidUtf8Log {
  private readonly logged = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly counter: Counter.Internal,
  ) {}

  /** One record or reject of `origin` held invalid UTF-8. */
  note(origin: string | undefined): void {
    this.counter.inc();
    const object = originObject(origin ?? "");
    if (this.logged.has(object)) return;
    if (this.logged.size >= MAX_OBJECTS_REMEMBERED) this.logged.clear();
    this.logged.add(object);
    this.log.warn(
      { object, origin },
      "invalid UTF-8 replaced with U+FFFD; first occurrence in this object (counted in logshipper_invalid_utf8_total)",
    );
  }
}
