import { randomBytes } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from 'pino';
import {
  type BlobStore,
  type ByteRange,
  checkBlobKey,
  MissingBlob,
  type PutOptions,
  type StagedBlob,
  stagedBlob,
} from './BlobStore.js';
import { HashingCounter } from './HashingCounter.js';
import { describeStorage, S3_MAX_BLOB_BYTES, type S3StorageSettings } from './storageUrl.js';

// S3's smallest part; with two parts in flight and one filling, an upload holds about 15 MiB of memory.
const PART_BYTES = 5 * 1024 ** 2;
const PARTS_IN_FLIGHT = 2;
const BLOBS = 'blobs/';
const TEMPORARY = 'tmp/';
// Nothing stays under tmp/ longer than one upload's copy; older objects are leftovers of a crash.
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Blobs as objects `blobs/<sha256>` in one bucket of an S3-compatible store. The key is only known once
 * every byte has passed, so an upload goes to `tmp/<random>` first (a multipart upload, streamed, never
 * whole in memory), is copied server-side to its `blobs/` key, and the temporary object is deleted. A
 * failed or aborted upload is aborted and deleted: nothing half-written ever shows under `blobs/`.
 */
export class S3BlobStore implements BlobStore {
  private constructor(
    private readonly client: S3Client,
    private readonly settings: S3StorageSettings,
  ) {}

  /** Connects and checks that the bucket answers; throws with the reason (the caller names STORAGE_URL). */
  static async open(settings: S3StorageSettings, log: Logger): Promise<S3BlobStore> {
    const client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 requires them: many S3-compatible stores reject the SDK's newer default
      // checksum headers, and every blob is hashed here anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Each download in progress holds a connection; the default of 50 would queue the 51st.
      requestHandler: {
        connectionTimeout: 5_000,
        httpAgent: { keepAlive: true, maxSockets: 256 },
        httpsAgent: { keepAlive: true, maxSockets: 256 },
      },
    });
    const store = new S3BlobStore(client, settings);
    try {
      await client.send(new HeadBucketCommand({ Bucket: settings.bucket }));
    } catch (error) {
      client.destroy();
      throw new Error(`${store.describe()}: ${reasonOf(error)}`);
    }
    await store.removeLeftovers().catch((error: unknown) => {
      log.warn({ err: error }, 'could not remove the leftovers of interrupted uploads from the bucket');
    });
    return store;
  }

  describe(): string {
    return describeStorage(this.settings);
  }

  /** Closes the client's kept-alive sockets to the store. */
  async close(): Promise<void> {
    this.client.destroy();
  }

  async stage(source: Readable, { maxBytes }: PutOptions): Promise<StagedBlob> {
    const counter = new HashingCounter(Math.min(maxBytes, S3_MAX_BLOB_BYTES));
    const temporaryKey = `${TEMPORARY}${randomBytes(16).toString('hex')}`;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: temporaryKey, Body: counter },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const feeding = pipeline(source, counter);
    const uploading = upload.done().catch((error: unknown) => {
      // Nobody reads the counter any more: end the feeding too, or it would wait forever.
      counter.destroy(error as Error);
      throw error;
    });
    const [fed, uploaded] = await Promise.allSettled([feeding, uploading]);
    const removeTemporary = () => this.deleteQuietly(temporaryKey);
    try {
      // The source's failure (too large, client gone) says more than the upload's consequent one.
      if (fed.status === 'rejected') throw fed.reason;
      if (uploaded.status === 'rejected') throw uploaded.reason;
    } catch (error) {
      // A multipart upload that failed was aborted by Upload; an object that was completed goes here.
      if (uploaded.status === 'fulfilled') await removeTemporary();
      throw error;
    }
    const { md5, sha256 } = counter.digests();
    const blob = { key: sha256, size: counter.bytesPassed, md5, sha256 };
    const moveIntoPlace = async () => {
      try {
        await this.moveIntoPlace(temporaryKey, sha256);
      } finally {
        await removeTemporary();
      }
    };
    return stagedBlob(blob, counter.head(), moveIntoPlace, removeTemporary);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    checkBlobKey(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: BLOBS + key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('the S3 client gave no Node.js stream');
      return response.Body;
    } catch (error) {
      if (statusOf(error) === 404) throw new MissingBlob(key);
      throw error;
    }
  }

  async writeTo(key: string, destination: Writable, range?: ByteRange): Promise<void> {
    await pipeline(await this.get(key, range), destination);
  }

  async checkWritable(): Promise<void> {
    const probe = `${TEMPORARY}ready-${randomBytes(6).toString('hex')}`;
    await this.client.send(new PutObjectCommand({ Bucket: this.settings.bucket, Key: probe, Body: 'ok' }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: probe }));
  }

  /** Copies the finished upload to its content address, unless identical bytes are already there. */
  private async moveIntoPlace(temporaryKey: string, sha256: string): Promise<void> {
    checkBlobKey(sha256);
    const { bucket } = this.settings;
    if (await this.exists(BLOBS + sha256)) return;
    // A copy is atomic: the blobs/ key shows all of the bytes or does not exist.
    await this.client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: BLOBS + sha256, CopySource: `${bucket}/${temporaryKey}` }),
    );
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  private async deleteQuietly(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key })).catch(() => {});
  }

  /**
   * What a crash left under tmp/: completed temporary objects and multipart uploads never completed nor
   * aborted. Only old ones: other instances may be uploading right now.
   */
  private async removeLeftovers(): Promise<void> {
    const { bucket } = this.settings;
    const before = Date.now() - STALE_AFTER_MS;
    const objects = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: TEMPORARY }));
    for (const object of objects.Contents ?? []) {
      if (object.Key && object.LastModified && object.LastModified.getTime() < before) {
        await this.deleteQuietly(object.Key);
      }
    }
    const uploads = await this.client
      .send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: TEMPORARY }))
      .catch((error: unknown) => {
        // Some S3-compatible stores (s3rver among them) cannot list uploads: nothing to clean up there.
        if (statusOf(error) === 501) return { Uploads: [] };
        throw error;
      });
    for (const upload of uploads.Uploads ?? []) {
      if (upload.Key && upload.UploadId && upload.Initiated && upload.Initiated.getTime() < before) {
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }))
          .catch(() => {});
      }
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/** Why the bucket did not answer, in words an operator can act on; never a credential. */
function reasonOf(error: unknown): string {
  const status = statusOf(error);
  if (status === 404) return 'the bucket does not exist';
  if (status === 403 || status === 401) {
    return 'access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the bucket policy';
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (status !== undefined) return `the store answered HTTP ${status}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return `cannot reach it (${code ?? (error instanceof Error ? error.name : 'unknown error')})`;
}
