/**
 * Grouped inserts for the SQLite state store: one call into SQLite for many rows is what makes bulk inserts
 * (buffered records, dedup ids) cheap.
 */
import type Database from "better-sqlite3";

/** Rows per multi-row INSERT. */
export const INSERT_ROWS = 64;

/** `insert` followed by `INSERT_ROWS` copies of `values`, comma-separated, then `suffix`: a group statement's SQL. */
export function groupedSql(insert: string, values: string, suffix = ""): string {
  return insert + Array(INSERT_ROWS).fill(values).join(", ") + suffix;
}

/**
 * Insert `items` with `group` (a statement of INSERT_ROWS rows) for every whole group and `single` for the
 * rest. `inserted` hears each statement's last rowid and row count.
 */
export function insertInGroups<T>(
  items: readonly T[],
  push: (params: unknown[], item: T) => void,
  group: Database.Statement,
  single: Database.Statement,
  inserted: (lastRowid: number, rows: number) => void = () => undefined,
): void {
  const params: unknown[] = [];
  let i = 0;
  for (; i + INSERT_ROWS <= items.length; i += INSERT_ROWS) {
    params.length = 0;
    for (let k = i; k < i + INSERT_ROWS; k++) push(params, items[k]!);
    inserted(Number(group.run(...params).lastInsertRowid), INSERT_ROWS);
  }
  for (; i < items.length; i++) {
    params.length = 0;
    push(params, items[i]!);
    inserted(Number(single.run(...params).lastInsertRowid), 1);
  }
}
