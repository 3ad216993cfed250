/** Mapped records for tests and the benchmark: what core hands the destination after the mapping. */
import type { OutputRecord } from "@logshipper/core/sdk";
import { outputRecord as coreOutputRecord } from "@logshipper/core/testing";

/** A valid eventData, with `overrides` merged over it. */
export function lakeEvent(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userIdentity: { type: "User", principalId: `user${n % 50}@example.com` },
    eventSource: "netskopealert.dlp",
    eventName: "Upload",
    eventTime: "2025-11-22T10:00:00Z",
    sourceIPAddress: `10.0.${(n >> 8) & 255}.${n & 255}`,
    additionalEventData: { severity: "high", policy: "Block PCI", n },
    ...overrides,
  };
}

/** The OutputRecord core would build for `value`: core's `outputRecord` with this package's defaults. */
export function outputRecord(
  id: string,
  value: unknown,
  extra: Partial<Pick<OutputRecord, "unmapped" | "time" | "destination">> = {},
): OutputRecord {
  return coreOutputRecord(value, {
    id,
    type: "alert",
    subtype: "DLP",
    time: Date.UTC(2025, 10, 22, 10),
    destination: "lake",
    ...extra,
  });
}

/** `n` valid records with ids `rec-0`, `rec-1`, ... */
export function lakeRecords(n: number, prefix = "rec"): OutputRecord[] {
  return Array.from({ length: n }, (_, i) => outputRecord(`${prefix}-${i}`, lakeEvent(i)));
}
