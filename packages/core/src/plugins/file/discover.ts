/**
 * Which files the `file` source reads: `path` is a file, a directory (every file under it) or a glob, resolved
 * against the config directory. Files are listed in sorted key order; a key is the path shown in origins.
 */
import type { BigIntStats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { glob, isDynamicPattern } from "tinyglobby";
import { ConfigurationError } from "../../sdk/index.js";
import { classifyFsError, fsErrorCode } from "./errors.js";

/** A matched file. */
export interface Listed {
  /** Relative to the config directory with `/`, or absolute when `path` is absolute. */
  key: string;
  abs: string;
}

/** A matched file that is still a regular file, with its stat. */
export interface Matched {
  st: BigIntStats;
  item: Listed;
}

function toPosix(p: string): string {
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}

/** The absolute paths `pattern` matches. */
async function find(pattern: string, baseDir: string): Promise<string[]> {
  const target = path.resolve(baseDir, pattern);
  let stat: Awaited<ReturnType<typeof fs.stat>> | undefined;
  try {
    stat = await fs.stat(target);
  } catch (error) {
    const code = fsErrorCode(error);
    if (code !== "ENOENT" && code !== "ENOTDIR") throw classifyFsError(error, `stat ${pattern}`);
  }
  // A literal path wins over a glob reading of it (`report (1).ndjson`).
  if (stat?.isFile()) return [target];
  if (stat?.isDirectory()) return glob("**/*", { cwd: target, absolute: true, onlyFiles: true, dot: false });
  if (!isDynamicPattern(pattern)) return [];
  const scan = picomatch.scan(toPosix(pattern));
  const cwd = path.resolve(baseDir, scan.base || ".");
  return glob(scan.glob, { cwd, absolute: true, onlyFiles: true, dot: false, expandDirectories: false });
}

/** The files `pattern` matches, sorted by key. */
export async function listFiles(pattern: string, baseDir: string): Promise<Listed[]> {
  const listed = (await find(pattern, baseDir)).map((abs) => {
    const normal = path.resolve(abs);
    return {
      abs: normal,
      key: path.isAbsolute(pattern) ? normal : toPosix(path.relative(baseDir, normal)),
    };
  });
  listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return listed;
}

/** Stat each listed file, by key, in listed order; files gone since the listing and non-files are left out. */
export async function statFiles(listed: Listed[]): Promise<Map<string, Matched>> {
  const current = new Map<string, Matched>();
  for (const item of listed) {
    try {
      const st = await fs.stat(item.abs, { bigint: true });
      if (st.isFile()) current.set(item.key, { st, item });
    } catch (error) {
      if (fsErrorCode(error) !== "ENOENT") throw classifyFsError(error, `stat ${item.key}`);
    }
  }
  return current;
}

/**
 * The source's `test()`: the first matched file opens; when nothing matches yet, the directory the files
 * would appear in exists (a path that matches nothing is not an error: files may appear later).
 */
export async function checkPath(pattern: string, baseDir: string): Promise<void> {
  const listed = await listFiles(pattern, baseDir);
  const first = listed[0];
  if (!first) {
    const scanBase = isDynamicPattern(pattern)
      ? picomatch.scan(toPosix(pattern)).base || "."
      : path.dirname(pattern);
    const dir = path.resolve(baseDir, scanBase);
    try {
      await fs.access(dir);
    } catch (error) {
      throw new ConfigurationError(`file source: ${pattern}: no such file or directory (${dir})`, {
        cause: error,
      });
    }
    return;
  }
  try {
    await (await fs.open(first.abs, "r")).close();
  } catch (error) {
    throw classifyFsError(error, `open ${first.key}`);
  }
}
