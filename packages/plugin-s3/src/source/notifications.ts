/**
 * Bodies of SQS messages that announce new objects:
 * - S3 event notifications (`{"Records": [{"eventName": "ObjectCreated:Put", "s3": {...}}]}`), sent to the queue
 *   directly or through an SNS topic (`{"Type": "Notification", "Message": "<the same JSON, as text>"}`);
 * - S3's `s3:TestEvent`, sent once when a notification is configured: nothing to read;
 * - CloudTrail's own SNS notification (`{"s3Bucket": "...", "s3ObjectKey": ["..."]}`).
 *
 * Keys in S3 event notifications are form-URL-encoded: `+` is a space and `%2B` a plus. Events other than
 * ObjectCreated:* (removals, restores, replication) are ignored.
 */

export interface AnnouncedObject {
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
}

export type Notification =
  | { kind: "test" }
  | { kind: "objects"; objects: AnnouncedObject[]; ignored: number }
  | { kind: "invalid"; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A key as it appears in an S3 event notification, decoded (`+` is a space). */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

function s3Records(records: unknown[]): Notification {
  const objects: AnnouncedObject[] = [];
  let ignored = 0;
  for (const [i, record] of records.entries()) {
    if (!isObject(record)) return { kind: "invalid", reason: `Records[${i}] is not an object` };
    const name = record.eventName;
    if (typeof name !== "string" || !name.startsWith("ObjectCreated:")) {
      ignored++;
      continue;
    }
    const s3 = isObject(record.s3) ? record.s3 : undefined;
    const bucket = s3 && isObject(s3.bucket) ? s3.bucket.name : undefined;
    const object = s3 && isObject(s3.object) ? s3.object : undefined;
    if (typeof bucket !== "string" || typeof object?.key !== "string") {
      return { kind: "invalid", reason: `Records[${i}] has no s3.bucket.name or s3.object.key` };
    }
    let key: string;
    try {
      key = decodeEventKey(object.key);
    } catch {
      return { kind: "invalid", reason: `Records[${i}]: s3.object.key is not URL-encoded text` };
    }
    objects.push({
      bucket,
      key,
      ...(typeof object.size === "number" && { size: object.size }),
      ...(typeof object.eTag === "string" && { etag: object.eTag }),
    });
  }
  return { kind: "objects", objects, ignored };
}

function interpret(value: unknown, depth: number): Notification {
  if (!isObject(value)) return { kind: "invalid", reason: "the message is not a JSON object" };
  if (value.Event === "s3:TestEvent") return { kind: "test" };
  if (Array.isArray(value.Records)) return s3Records(value.Records);
  if (typeof value.s3Bucket === "string" && Array.isArray(value.s3ObjectKey)) {
    const bucket = value.s3Bucket;
    const keys = value.s3ObjectKey.filter((k): k is string => typeof k === "string");
    return { kind: "objects", objects: keys.map((key) => ({ bucket, key })), ignored: 0 };
  }
  if (value.Type === "Notification" && typeof value.Message === "string" && depth === 0) {
    let inner: unknown;
    try {
      inner = JSON.parse(value.Message);
    } catch {
      return { kind: "invalid", reason: "the SNS envelope's Message is not JSON" };
    }
    return interpret(inner, depth + 1);
  }
  return { kind: "invalid", reason: "not an S3 event notification (no Records, no s3:TestEvent)" };
}

/** What a message body announces. */
export function parseNotification(body: string): Notification {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: "invalid", reason: "the message body is not JSON" };
  }
  return interpret(value, 0);
}
