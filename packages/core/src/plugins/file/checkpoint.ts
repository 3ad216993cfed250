/**
 * The `file` source's checkpoint: for every file seen, its identity (inode, and a fingerprint of its first
 * bytes) and the parser position after the last record or reject handed to core (byte offset, line, mode).
 * - A plain file resumes with a seek to `offset`. A file whose inode changed, whose size is now smaller than
 *   `offset` (truncated) or whose first bytes changed (replaced) is read again from the start.
 * - A file renamed (rotated) under a name the glob still matches keeps its position (found by inode + fingerprint).
 * - Gzip files (recognised by content) cannot be seeked: `offset` counts *decompressed* bytes, and resuming
 *   decompresses the file from the start and discards `offset` bytes. That skips exactly the records and rejects
 *   already handed over (a count of records would also work, but would report again the rejects between them).
 *   `size` records the compressed size once the file was read to its end, so a finished gzip file is not read again.
 * Entries of files that no longer exist are dropped, so the checkpoint stays as small as the set of matched files.
 */
import { PARSER_MODES, type ParserMode } from "../../sdk/index.js";

/** Position in one file. */
export interface FileEntry {
  /** Inode (a string: inodes can exceed 2^53) of the file the position belongs to. */
  ino: string;
  /** Bytes consumed: a file offset, or decompressed bytes for gzip. */
  offset: number;
  /** 1-based line number at `offset`. */
  line: number;
  /** Parser mode at `offset` (the detected format); absent before anything was parsed. */
  mode?: ParserMode;
  /** Gzip file. */
  gz?: true;
  /** Gzip only: compressed size when the file was last read to its end. */
  size?: number;
  /** sha256 (16 hex) of the first `fpLen` bytes of the file, to notice a file replaced under the same inode. */
  fp?: string;
  fpLen?: number;
}

/** Entries by path; a null prototype, so that a file named `__proto__` is a key like any other. */
export type FileEntries = Record<string, FileEntry>;

export interface FileSourceCheckpoint {
  v: 1;
  /** Keyed by path as shown in origins: relative to the config directory, or absolute when `path` is absolute. */
  files: FileEntries;
}

export function emptyEntries(): FileEntries {
  return Object.create(null) as FileEntries;
}

function isEntry(value: unknown): value is FileEntry {
  if (!value || typeof value !== "object") return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.ino === "string" &&
    typeof e.offset === "number" &&
    e.offset >= 0 &&
    typeof e.line === "number" &&
    e.line >= 1 &&
    (e.mode === undefined || PARSER_MODES.includes(e.mode as ParserMode)) &&
    (e.size === undefined || typeof e.size === "number") &&
    (e.fp === undefined || (typeof e.fp === "string" && typeof e.fpLen === "number"))
  );
}

/** Read a checkpoint back; undefined when there is none. Throws on a checkpoint this source did not write. */
export function readCheckpoint(checkpoint: unknown): FileSourceCheckpoint | undefined {
  if (checkpoint === undefined || checkpoint === null) return undefined;
  const c = checkpoint as Partial<FileSourceCheckpoint>;
  if (c.v !== 1 || !c.files || typeof c.files !== "object")
    throw new Error(`unrecognised file source checkpoint: ${JSON.stringify(checkpoint).slice(0, 200)}`);
  const files = emptyEntries();
  for (const [key, entry] of Object.entries(c.files)) if (isEntry(entry)) files[key] = entry;
  return { v: 1, files };
}

/** A checkpoint of `files` as they are now: entries are updated in place for every record, so it copies them. */
export function snapshotCheckpoint(files: FileEntries): FileSourceCheckpoint {
  const copy = emptyEntries();
  for (const [k, e] of Object.entries(files)) copy[k] = { ...e };
  return { v: 1, files: copy };
}
