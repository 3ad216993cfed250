/**
 * A narrow S3 client: the calls the plugin makes, on one SDK client per plugin instance (keep-alive connections,
 * one attempt per call, a time limit, the abort signal passed down). It reports failures as the SDK raises them;
 * errors.ts decides what they mean. It knows nothing of records, outcomes or checkpoints.
 */
import type { Readable } from "node:stream";
import type { ObjectCannedACL, S3Client, ServerSideEncryption, StorageClass } from "@aws-sdk/client-s3";
import { awsClientConfig } from "./aws.js";
import type { S3AwsOptions } from "./aws-options.js";

/** How objects are written: options that apply to every PutObject / multipart upload. */
export interface WriteParams {
  acl?: ObjectCannedACL | undefined;
  sse?: ServerSideEncryption | undefined;
  kmsKeyId?: string | undefined;
  bucketKey?: boolean | undefined;
  storageClass?: StorageClass | undefined;
  contentType: string;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string | undefined;
}

export interface ObjectBody {
  body: Readable;
  etag: string | undefined;
}

export interface MultipartOptions {
  partSize: number;
  /** Called when a failed multipart upload could not be aborted (its parts stay until a lifecycle rule removes them). */
  onAbortFailure?: (error: unknown) => void;
}

type Sdk = typeof import("@aws-sdk/client-s3");
let sdkModule: Promise<Sdk> | undefined;
/** The S3 SDK, loaded on first use. */
const sdk = (): Promise<Sdk> => (sdkModule ??= import("@aws-sdk/client-s3"));

export class S3Store {
  private client: Promise<S3Client> | undefined;
  private created: S3Client | undefined;

  constructor(
    private readonly options: S3AwsOptions,
    private readonly name: string,
  ) {}

  /** The SDK client, created on first use. */
  private s3(): Promise<S3Client> {
    this.client ??= sdk().then(({ S3Client }) => {
      this.created = new S3Client(awsClientConfig(this.options, this.name));
      return this.created;
    });
    return this.client;
  }

  private writeInput(bucket: string, key: string, params: WriteParams) {
    return {
      Bucket: bucket,
      Key: key,
      ContentType: params.contentType,
      ...(params.acl !== undefined && { ACL: params.acl }),
      ...(params.sse !== undefined && { ServerSideEncryption: params.sse }),
      ...(params.kmsKeyId !== undefined && { SSEKMSKeyId: params.kmsKeyId }),
      ...(params.bucketKey !== undefined && { BucketKeyEnabled: params.bucketKey }),
      ...(params.storageClass !== undefined && { StorageClass: params.storageClass }),
    };
  }

  /** One PutObject with a Buffer body (the SDK then sends its checksum in a header, not aws-chunked). */
  async put(
    bucket: string,
    key: string,
    body: Buffer,
    params: WriteParams,
    signal: AbortSignal,
  ): Promise<void> {
    const { PutObjectCommand } = await sdk();
    await (
      await this.s3()
    ).send(new PutObjectCommand({ ...this.writeInput(bucket, key, params), Body: body }), {
      abortSignal: signal,
    });
  }

  /**
   * A multipart upload (lib-storage, parts in parallel). On failure the upload is aborted, so that no parts are
   * left behind, and the original error is thrown (not a failure of the abort).
   */
  async putMultipart(
    bucket: string,
    key: string,
    body: Buffer,
    params: WriteParams,
    options: MultipartOptions,
    signal: AbortSignal,
  ): Promise<void> {
    const [{ Upload }, { AbortMultipartUploadCommand }, client] = await Promise.all([
      import("@aws-sdk/lib-storage"),
      sdk(),
      this.s3(),
    ]);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const upload = new Upload({
      client,
      params: { ...this.writeInput(bucket, key, params), Body: body },
      partSize: options.partSize,
      queueSize: 4,
      leavePartsOnError: true,
      abortController: controller,
    });
    try {
      await upload.done();
    } catch (error) {
      if (upload.uploadId !== undefined) {
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.uploadId }))
          .catch((abortError: unknown) => options.onAbortFailure?.(abortError));
      }
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async headBucket(bucket: string, signal: AbortSignal): Promise<void> {
    const { HeadBucketCommand } = await sdk();
    await (await this.s3()).send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
  }

  /**
   * Checks that objects can be written with `params` (PutObject permission, ACL, KMS key) without creating one:
   * starts a multipart upload and aborts it. Resolves with the abort's failure, if any.
   */
  async probeWrite(bucket: string, key: string, params: WriteParams, signal: AbortSignal): Promise<unknown> {
    const [{ CreateMultipartUploadCommand, AbortMultipartUploadCommand }, client] = await Promise.all([
      sdk(),
      this.s3(),
    ]);
    const started = await client.send(
      new CreateMultipartUploadCommand(this.writeInput(bucket, key, params)),
      {
        abortSignal: signal,
      },
    );
    try {
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: started.UploadId }),
        { abortSignal: signal },
      );
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /** One page of keys after `startAfter`, in S3's (UTF-8 binary) order. */
  async list(
    bucket: string,
    prefix: string,
    startAfter: string | undefined,
    maxKeys: number,
    signal: AbortSignal,
  ): Promise<{ objects: ListedObject[]; truncated: boolean }> {
    const { ListObjectsV2Command } = await sdk();
    const page = await (
      await this.s3()
    ).send(
      new ListObjectsV2Command({
        Bucket: bucket,
        MaxKeys: maxKeys,
        ...(prefix !== "" && { Prefix: prefix }),
        ...(startAfter !== undefined && { StartAfter: startAfter }),
      }),
      { abortSignal: signal },
    );
    const objects = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0, etag: o.ETag }],
    );
    return { objects, truncated: page.IsTruncated === true && objects.length > 0 };
  }

  /** The object's body from byte `from` (a Range request when from > 0). */
  async get(bucket: string, key: string, from: number, signal: AbortSignal): Promise<ObjectBody> {
    const { GetObjectCommand } = await sdk();
    const response = await (
      await this.s3()
    ).send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(from > 0 && { Range: `bytes=${from}-` }) }), {
      abortSignal: signal,
    });
    if (response.Body === undefined)
      throw Object.assign(new Error("GetObject returned no body"), { name: "EmptyBody" });
    return { body: response.Body as Readable, etag: response.ETag };
  }

  /** Close idle connections. Idempotent. */
  close(): void {
    this.created?.destroy();
    this.created = undefined;
    this.client = undefined;
  }
}
