/**
 * A fast path for `$fromMillis(ms)` and `$fromMillis(ms, picture)` in UTC, for the pictures mappings write
 * (ISO 8601 and its variants): literal text and the markers [Y0001] [M01] [D01] [H01] [m01] [s01] [f001]
 * [Z01:01t], for years 0 to 9999. Anything else (other markers, escaped brackets, a time zone, other years)
 * returns undefined and jsonata's own formatter runs; tests compare the two on random times.
 */

/** The UTC fields of a time, as Date's getUTC* methods give them. */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

type Part = string | ((f: Fields) => string);

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
const pad4 = (n: number): string => (n < 1000 ? String(n).padStart(4, "0") : String(n));

const MARKERS: Record<string, (f: Fields) => string> = {
  Y0001: (f) => pad4(f.year),
  M01: (f) => pad2(f.month),
  D01: (f) => pad2(f.day),
  H01: (f) => pad2(f.hour),
  m01: (f) => pad2(f.minute),
  s01: (f) => pad2(f.second),
  f001: (f) => pad3(f.millisecond),
  "Z01:01t": () => "Z",
};

const DAY = 86_400_000;

/**
 * The UTC fields of `millis` (as `new Date(millis)` has them: truncated to an integer), by the days-to-civil
 * algorithm of H. Hinnant; undefined outside the range of Date.
 */
function utcFields(millis: number): Fields | undefined {
  const t = Math.trunc(millis);
  if (!(Math.abs(t) <= 8.64e15)) return undefined;
  const days = Math.floor(t / DAY);
  let rest = t - days * DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day, hour, minute, second, millisecond: rest - second * 1000 };
}

/** The parts of a picture made only of literal text and known markers; undefined otherwise. */
function analyse(picture: string): Part[] | undefined {
  const parts: Part[] = [];
  let pos = 0;
  while (pos < picture.length) {
    const open = picture.indexOf("[", pos);
    const literal = picture.slice(pos, open === -1 ? picture.length : open);
    if (literal.includes("]")) return undefined;
    if (literal) parts.push(literal);
    if (open === -1) break;
    const close = picture.indexOf("]", open);
    if (close === -1) return undefined;
    const marker = MARKERS[picture.slice(open + 1, close)];
    if (marker === undefined) return undefined;
    parts.push(marker);
    pos = close + 1;
  }
  return parts;
}

const cache = new Map<string, Part[] | undefined>();
const ISO = analyse("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]") as Part[];

/** What jsonata's formatDateTime gives for `millis` and `picture` in UTC, when the fast path applies. */
export function formatUtc(millis: number, picture: string | undefined): string | undefined {
  let parts: Part[] | undefined;
  if (picture === undefined) parts = ISO;
  else if (cache.has(picture)) parts = cache.get(picture);
  else {
    parts = analyse(picture);
    if (cache.size < 256) cache.set(picture, parts);
  }
  if (parts === undefined) return undefined;
  const fields = utcFields(millis);
  if (fields === undefined || fields.year < 0 || fields.year > 9999) return undefined;
  let out = "";
  for (const part of parts) out += typeof part === "string" ? part : part(fields);
  return out;
}
