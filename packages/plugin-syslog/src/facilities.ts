/** Syslog facility and severity codes (RFC 5424 §6.2.1), by name, with the usual aliases. */

export const FACILITIES: Readonly<Record<string, number>> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  security: 13,
  console: 14,
  solaris_cron: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

export const SEVERITIES: Readonly<Record<string, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

const SEVERITY_ALIASES: Readonly<Record<string, number>> = {
  emergency: 0,
  panic: 0,
  critical: 2,
  error: 3,
  warn: 4,
  informational: 6,
};

function lookup(table: Readonly<Record<string, number>>, name: string): number | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Facility code of a name (`local4`, `LOCAL4`) or of a numeric text (`"20"`), else undefined. */
export function facilityCode(name: string): number | undefined {
  if (/^\d{1,2}$/.test(name.trim())) {
    const n = Number(name);
    return n <= 23 ? n : undefined;
  }
  return lookup(FACILITIES, name);
}

/** Severity code of a name (`err`, `error`, `Warning`) or of a numeric text (`"3"`), else undefined. */
export function severityCode(name: string): number | undefined {
  if (/^\d$/.test(name.trim())) {
    const n = Number(name);
    return n <= 7 ? n : undefined;
  }
  return lookup(SEVERITIES, name) ?? lookup(SEVERITY_ALIASES, name);
}
