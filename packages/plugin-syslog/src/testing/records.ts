/** Test helpers: mapped records as core hands them to `send`, and the plugins built the way core builds them. */
import type { Destination, OutputRecord, Source } from "@logshipper/core/sdk";
import { fakeContext, outputRecord as coreOutputRecord, type FakeContext } from "@logshipper/core/testing";
import { syslogDestination, syslogSource } from "../index.js";

/** Values every encoder must carry: the characters syslog, CEF and LEEF escape, line breaks and non-ASCII. */
export const HOSTILE = 'q"uote b\\ack br]acket p|ipe eq=uals nl\nline cr\rret tab\tend é 日本 🎉';

/** Core's test record carrying `value`, as record `i` of destination `siem`: id `rec-i`, a second apart. */
export function outputRecord(
  value: unknown,
  i = 0,
  time = Date.UTC(2025, 10, 22, 12, 0, i % 60),
): OutputRecord {
  return coreOutputRecord(value, { id: `rec-${i}`, time, destination: "siem" });
}

/** Envelopes `{msgId, message}` numbered from 0, valid for every payload but cef and leef. */
export function envelopes(n: number, extra: Record<string, unknown> = {}): OutputRecord[] {
  return Array.from({ length: n }, (_, i) =>
    outputRecord({ msgId: `m${i}`, message: { n: i }, ...extra }, i),
  );
}

/** Parse the options with the plugin's schema, then `create`, as core does. */
export function destination(
  options: Record<string, unknown>,
  ctx: FakeContext = fakeContext({ name: "siem" }),
): Destination {
  return syslogDestination.create(syslogDestination.configSchema.parse(options), ctx);
}

export function source(
  options: Record<string, unknown>,
  ctx: FakeContext = fakeContext({ name: "rx" }),
): Source {
  return syslogSource.create(syslogSource.configSchema.parse(options), ctx);
}

export function signal(): AbortSignal {
  return new AbortController().signal;
}
