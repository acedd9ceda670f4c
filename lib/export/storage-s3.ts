/**
 * Exports in an S3 bucket (AWS, or any S3-compatible server: MinIO, Ceph, R2…) through the AWS
 * SDK, loaded on first use so a folder setup never loads it. A CSV is streamed up as a multipart
 * upload (@aws-sdk/lib-storage): at most `queueSize` parts of `partSize` are held in memory and
 * no temp file is written. S3 shows an object only once the upload is completed, so a run that
 * fails is aborted (its parts deleted) and a run killed mid-way leaves no object at all, only
 * parts that pruneLeftovers (or a bucket lifecycle rule) removes.
 */
import { Transform, type Readable } from "node:stream";
import type * as S3Sdk from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { EXPORT_FILE_PATTERN } from "./paths";
import type { ExportStorage, ExportUpload, StoredExport } from "./storage-api";

export interface S3Location {
  bucket: string;
  /** "" or ending in "/". */
  prefix: string;
  /** S3_ENDPOINT; the SDK's AWS endpoint when unset. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Keys given in the settings (AWS_ACCESS_KEY_ID…); else the SDK's default chain finds them. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * S3's smallest part (5 MiB), 4 in flight: at most 20 MiB of buffers whatever the row count, and
 * a 1M-row export (~95 MB) in about 19 parts.
 */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 4;

type Sdk = typeof S3Sdk;

/** The reason an SDK error names, in one line: `NoSuchBucket`, `AccessDenied`, `ECONNREFUSED`… */
function reason(e: unknown): string {
  const err = e as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = err.$metadata?.httpStatusCode;
  const name = err.Code ?? err.code ?? err.name ?? "Error";
  const message = err.message && err.message !== name && err.message !== "UnknownError" ? `: ${err.message}` : "";
  return `${name}${status ? ` (HTTP ${status})` : ""}${message}`;
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === "NoSuchKey" || err.name === "NotFound" || err.$metadata?.httpStatusCode === 404;
}

export class S3Storage implements ExportStorage {
  readonly location: string;
  private sdk: Promise<{ sdk: Sdk; client: S3Client }> | undefined;

  constructor(readonly target: S3Location) {
    this.location = `s3://${target.bucket}/${target.prefix}`;
  }

  private connect(): Promise<{ sdk: Sdk; client: S3Client }> {
    // The SDK warns once per process that its releases after January 2027 need Node 22: about
    // future versions, not the one package-lock.json pins for this Node 20 app, and a multi-line
    // text that would break LOG_FORMAT=json's one JSON object per line. Set it to "false" to see it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    return (this.sdk ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      // Credentials: the settings' keys, else the SDK's default chain (a profile, an instance or
      // container role, web identity).
      client: new sdk.S3Client({
        region: this.target.region,
        endpoint: this.target.endpoint,
        forcePathStyle: this.target.forcePathStyle,
        credentials: this.target.credentials,
      }),
    })));
  }

  private key(name: string): string {
    return this.target.prefix + name;
  }

  where(name: string): string {
    return `s3://${this.target.bucket}/${this.key(name)}`;
  }

  async check(): Promise<void> {
    // Both roles need the bucket; HeadBucket writes nothing. Write access shows at the first export.
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: this.target.bucket }));
    } catch (e) {
      const at = this.target.endpoint ? ` at ${this.target.endpoint}` : "";
      throw new Error(
        isMissing(e)
          ? `export storage ${this.location}: bucket ${this.target.bucket} does not exist${at}`
          : `export storage ${this.location}: cannot use bucket ${this.target.bucket}${at}: ${reason(e)}`,
        { cause: e },
      );
    }
  }

  async begin(name: string): Promise<ExportUpload> {
    const [{ client }, { Upload }] = await Promise.all([this.connect(), import("@aws-sdk/lib-storage")]);
    let size = 0;
    // The writer's end: counts the bytes (the size the export record keeps) and is the upload's body.
    const stream = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const upload = new Upload({
      client,
      params: {
        Bucket: this.target.bucket,
        Key: this.key(name),
        Body: stream,
        ContentType: "text/csv; charset=utf-8",
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    const done = upload.done();
    // A refused part ends the writer's waits (drain never comes) with the storage's reason.
    done.catch((e: unknown) => stream.destroy(new Error(`S3 upload of ${this.where(name)} failed: ${reason(e)}`)));
    return {
      stream,
      commit: async () => {
        stream.end();
        try {
          await done;
        } catch (e) {
          throw new Error(`S3 upload of ${this.where(name)} failed: ${reason(e)}`, { cause: e });
        }
        return size;
      },
      abort: async () => {
        // The body fails, so the upload stops reading it, aborts the multipart upload (its parts are
        // deleted) and settles; a server that cannot abort leaves parts for pruneLeftovers.
        if (!stream.destroyed) stream.destroy(new Error("export abandoned"));
        await done.catch(() => undefined);
      },
    };
  }

  async open(name: string): Promise<{ sizeBytes: number; body: Readable } | null> {
    const { sdk, client } = await this.connect();
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(name) }));
      return { sizeBytes: Number(res.ContentLength ?? 0), body: res.Body as Readable };
    } catch (e) {
      if (isMissing(e)) return null;
      throw new Error(`export storage ${this.location}: cannot read ${name}: ${reason(e)}`, { cause: e });
    }
  }

  async *list(): AsyncIterable<StoredExport> {
    const { sdk, client } = await this.connect();
    let token: string | undefined;
    do {
      const page = await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.target.bucket,
          Prefix: this.target.prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        const name = o.Key?.slice(this.target.prefix.length) ?? "";
        if (EXPORT_FILE_PATTERN.test(name)) yield { name, modifiedMs: o.LastModified?.getTime() ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async remove(names: readonly string[]): Promise<number> {
    const { sdk, client } = await this.connect();
    let removed = 0;
    // DeleteObjects takes up to 1,000 keys a request.
    for (let i = 0; i < names.length; i += 1000) {
      const batch = names.slice(i, i + 1000);
      const res = await client.send(
        new sdk.DeleteObjectsCommand({
          Bucket: this.target.bucket,
          Delete: { Objects: batch.map((n) => ({ Key: this.key(n) })), Quiet: false },
        }),
      );
      if (res.Errors?.length) {
        const first = res.Errors[0]!;
        throw new Error(
          `export storage ${this.location}: cannot delete ${first.Key}: ${first.Code} ${first.Message ?? ""}`,
        );
      }
      removed += res.Deleted?.length ?? 0;
    }
    return removed;
  }

  async pruneLeftovers(cutoffMs: number): Promise<number> {
    const { sdk, client } = await this.connect();
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      do {
        const page = await client.send(
          new sdk.ListMultipartUploadsCommand({
            Bucket: this.target.bucket,
            Prefix: this.target.prefix,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated?.getTime() ?? Infinity) >= cutoffMs) continue;
          await client.send(
            new sdk.AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: u.Key, UploadId: u.UploadId }),
          );
          removed++;
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (e) {
      // Some S3-compatible servers do not list uploads; a bucket lifecycle rule
      // (AbortIncompleteMultipartUpload) does this job there.
      if ((e as { name?: string }).name === "NotImplemented") return removed;
      throw e;
    }
    return removed;
  }

  close(): void {
    void this.sdk?.then(({ client }) => client.destroy());
  }
}
