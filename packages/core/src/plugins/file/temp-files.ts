/**
 * The hidden temp files the `file` destination writes an object through, and the removal of those a killed
 * process left behind (a SIGKILL between open and rename leaves one, with part of an object in it).
 *
 * A temp file is named `.<object name>.<random>.<process id>.tmp`: `<process id>` is 8 hex digits drawn once per
 * process, so a sweep removes the temp files of earlier processes and never one this process is writing.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fsErrorCode } from "./errors.js";

/** Marks the temp files of this process. */
const PROCESS_ID = randomUUID().slice(0, 8);

/**
 * A temp file of ours, this version or an earlier one (`.<name>.<hex>.tmp`, and the writability probe's
 * `.logshipper-test-<hex>.tmp`). Hidden and ending in 8 hex digits and `.tmp`: not an object a key can produce.
 */
const TEMP_FILE = /^\..+[.-][0-9a-f]{8}\.tmp$/;

/** The temp file beside `file` that this process writes it through. */
export function tempFileFor(file: string): string {
  const name = `.${path.basename(file)}.${randomUUID().slice(0, 8)}.${PROCESS_ID}.tmp`;
  return path.join(path.dirname(file), name);
}

/** True for a temp file that an earlier process left (not one this process may still be writing). */
export function isLeftoverTempFile(name: string): boolean {
  return TEMP_FILE.test(name) && !name.endsWith(`.${PROCESS_ID}.tmp`);
}

/**
 * Remove every leftover temp file under `dir` (symbolic links are not followed). Returns how many were removed.
 * A directory or file that vanishes meanwhile is skipped; other errors are given to `onError` and the sweep goes on.
 */
export async function removeLeftoverTempFiles(
  dir: string,
  onError: (error: unknown, where: string) => void,
): Promise<number> {
  let removed = 0;
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let entries;
    try {
      entries = await fs.opendir(current);
    } catch (error) {
      if (fsErrorCode(error) !== "ENOENT") onError(error, current);
      continue;
    }
    try {
      for await (const entry of entries) {
        const full = path.join(current, entry.name);
        if (entry.isDirectory()) pending.push(full);
        else if (entry.isFile() && isLeftoverTempFile(entry.name)) {
          await fs.rm(full, { force: true });
          removed++;
        }
      }
    } catch (error) {
      onError(error, current);
    }
  }
  return removed;
}
