/** Test support: every object of a bucket, read back through the SDK. */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

export function testClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
}

/** Key to body, for every object under `prefix`. */
export async function readBucket(
  endpoint: string,
  bucket: string,
  prefix = "",
): Promise<Map<string, Buffer>> {
  const client = testClient(endpoint);
  const out = new Map<string, Buffer>();
  let startAfter: string | undefined;
  try {
    for (;;) {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(startAfter && { StartAfter: startAfter }),
        }),
      );
      for (const o of page.Contents ?? []) {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
        out.set(o.Key!, Buffer.from(await got.Body!.transformToByteArray()));
        startAfter = o.Key;
      }
      if (!page.IsTruncated) break;
    }
  } finally {
    client.destroy();
  }
  return out;
}

/** Write objects (Buffers: s3rver stores streamed bodies with the SDK's default checksums corrupted). */
export async function writeBucket(
  endpoint: string,
  bucket: string,
  objects: Record<string, Buffer | string>,
): Promise<void> {
  const client = testClient(endpoint);
  try {
    for (const [key, body] of Object.entries(objects)) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
    }
  } finally {
    client.destroy();
  }
}
