/** Test helpers: mapped records as core hands them to `send`, and the destination built the way core builds it. */
import type { Destination, OutputRecord } from "@logshipper/core/sdk";
import { fakeContext, type FakeContext } from "@logshipper/core/testing";
import { syslogDestination, syslogSource } from "../index.js";
import type { Source } from "@logshipper/core/sdk";

/** Values every encoder must carry: the characters syslog, CEF and LEEF escape, line breaks and non-ASCII. */
export const HOSTILE = 'q"uote b\\ack br]acket p|ipe eq=uals nl\nline cr\rret tab\tend é 日本 🎉';

export function outputRecord(
  value: unknown,
  i = 0,
  time = Date.UTC(2025, 10, 22, 12, 0, i % 60),
): OutputRecord {
  const json = JSON.stringify(value);
  return {
    id: `rec-${i}`,
    type: "event",
    subtype: "test",
    source: "test",
    time,
    destination: "siem",
    mapping: "test",
    value,
    json,
    bytes: Buffer.byteLength(json),
  };
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
