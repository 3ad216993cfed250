/** The codecs' public types and limits: formats, parser modes, positions and the events a parser yields. */

export const FILE_FORMATS = ["auto", "ndjson", "json", "concatenated", "members"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/**
 * The state a parser is in at a position: needed, with the offset, to resume there.
 * `array-start` expects `[`; `array-items` is inside the array; `array-end` is after its `]`.
 */
export type ParserMode = "ndjson" | "members" | "concatenated" | "array-start" | "array-items" | "array-end";
export const PARSER_MODES: readonly ParserMode[] = [
  "ndjson",
  "members",
  "concatenated",
  "array-start",
  "array-items",
  "array-end",
];

/** A point in the (decompressed) byte stream where parsing can resume. JSON-serialisable. */
export interface ParsePosition {
  /** Bytes consumed from the start of the stream. */
  offset: number;
  /** 1-based line number of the byte at `offset`. */
  line: number;
  mode: ParserMode;
}

export interface ParsedRecord {
  kind: "record";
  value: Record<string, unknown>;
  /** The item's exact JSON text, when it is one (ndjson lines): saves serialising `value` again. */
  text?: string;
  /** Line where the item starts. */
  line: number;
  /** Position just after the item (after its newline for line formats). */
  next: ParsePosition;
  /** Line formats: the item's bytes were not valid UTF-8 (each bad sequence decoded as U+FFFD). */
  invalidUtf8?: true;
}

export interface ParseFailure {
  kind: "error";
  /** Line where the malformed item starts. */
  line: number;
  reason: string;
  /** The item's text, truncated to {@link MAX_RAW_CHARS} characters. */
  raw: string;
  next: ParsePosition;
  /** Line formats: the item's bytes were not valid UTF-8 (see ParsedRecord.invalidUtf8). */
  invalidUtf8?: true;
}

export type ParseEvent = ParsedRecord | ParseFailure;

export interface ParserOptions {
  /** Resume at a position taken from an earlier event's `next` (or `parser.position`). */
  resume?: ParsePosition | undefined;
  /** An item longer than this is reported as malformed instead of being held in memory. Default 16 MiB. */
  maxRecordBytes?: number | undefined;
  /**
   * Line formats: called with a line's text before JSON.parse; a line for which it returns false is skipped
   * (counted by `takeSkipped`, never parsed). See PluginContext.prefilter.
   */
  prefilter?: ((text: string) => boolean) | undefined;
}

/** Raw text kept for a malformed item, in characters. */
export const MAX_RAW_CHARS = 4096;
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
