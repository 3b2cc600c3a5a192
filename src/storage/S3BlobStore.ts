import { randomBytes } from 'node:crypto';
import { pipeline as pipelineStreams, Readable, Writable } from 'node:stream';
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
  type BlobRef,
  type BlobStore,
  type ByteRange,
  checkBlobKey,
  DamagedBlob,
  MissingBlob,
  type PutOptions,
  type StagedBlob,
  stagedBlob,
} from './BlobStore.js';
import { HashingCounter } from './HashingCounter.js';
import { RecentVerdicts } from './recentVerdicts.js';
import { StagingsInProgress } from './StagingsInProgress.js';
import { isLeftBehind, newStagingName } from './stagingNames.js';
import { describeStorage, S3_MAX_BLOB_BYTES, type S3StorageSettings } from './storageUrl.js';
import { VerifyingStream } from './verifyingStream.js';

// S3's smallest part; with two parts in flight and one filling, an upload holds about 15 MiB of memory.
const PART_BYTES = 5 * 1024 ** 2;
const PARTS_IN_FLIGHT = 2;
const BLOBS = 'blobs/';
const TEMPORARY = 'tmp/';

/**
 * Blobs as objects `blobs/<sha256>` in one bucket of an S3-compatible store. The key is only known once
 * every byte has passed, so an upload goes to `tmp/<random>` first (a multipart upload, streamed, never
 * whole in memory), is copied server-side to its `blobs/` key, and the temporary object is deleted. A
 * failed or aborted upload is aborted and deleted: nothing half-written ever shows under `blobs/`.
 */
export class S3BlobStore implements BlobStore {
  /** By ETag: an object written again under its key has a new one, and is hashed again. */
  private readonly verdicts = new RecentVerdicts<string>((a, b) => a === b);
  private readonly stagings = new StagingsInProgress();

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
    await store.removeLeftovers(log).catch((error: unknown) => {
      log.warn({ err: error }, 'could not remove the leftovers of interrupted uploads from the bucket');
    });
    return store;
  }

  describe(): string {
    return describeStorage(this.settings);
  }

  /** Lets an upload being staged finish (or fail and be aborted), then closes the client's sockets to the store. */
  async close(): Promise<void> {
    await this.stagings.settled();
    this.client.destroy();
  }

  stage(source: Readable, options: PutOptions): Promise<StagedBlob> {
    return this.stagings.track(this.stageObject(source, options));
  }

  private async stageObject(source: Readable, { maxBytes }: PutOptions): Promise<StagedBlob> {
    const counter = new HashingCounter(Math.min(maxBytes, S3_MAX_BLOB_BYTES));
    const temporaryKey = TEMPORARY + newStagingName();
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
    return this.getChecked(key, undefined, range);
  }

  async writeTo({ key, size }: BlobRef, destination: Writable, range?: ByteRange): Promise<void> {
    const source = await this.getChecked(key, size, range);
    // The first chunk before the destination is touched: a damaged blob small enough to be checked whole
    // fails here, and the caller can still answer an error.
    const chunks = source[Symbol.asyncIterator]();
    const first = await chunks.next().catch((error: unknown) => {
      source.destroy();
      throw error;
    });
    await pipeline(async function* () {
      if (!first.done) yield first.value;
      yield* { [Symbol.asyncIterator]: () => chunks };
    }, destination);
  }

  /**
   * The object's bytes: DamagedBlob before any when its length is not `size` or it hashed damaged under
   * its ETag; hashed on the way (the last chunk held) when it was not hashed under its ETag since start.
   */
  private async getChecked(key: string, size: number | undefined, range?: ByteRange): Promise<Readable> {
    const response = await this.getObject(key, range);
    const body = response.Body;
    if (!(body instanceof Readable)) throw new Error('the S3 client gave no Node.js stream');
    const etag = response.ETag ?? '';
    const intact = this.verdicts.intact(key, etag);
    const length = range ? undefined : response.ContentLength;
    let problem: string | undefined;
    if (size !== undefined && length !== undefined && length !== size) problem = `${length} bytes, ${size} stored`;
    else if (intact === false) problem = 'its bytes do not hash to its key';
    if (problem) {
      body.destroy();
      throw new DamagedBlob(key, problem);
    }
    if (intact) return body;
    if (range) {
      body.destroy();
      // A range cannot be checked alone: the whole object is hashed once, then the range is read.
      await pipeline(await this.getChecked(key, size), new Writable({ write: (_chunk, _encoding, done) => done() }));
      return this.getChecked(key, size, range);
    }
    const verifier = new VerifyingStream(key, (good) => this.verdicts.record(key, etag, good));
    return pipelineStreams(body, verifier, () => {});
  }

  private async getObject(key: string, range?: ByteRange) {
    checkBlobKey(key);
    try {
      return await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: BLOBS + key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
    } catch (error) {
      if (statusOf(error) === 404) throw new MissingBlob(key);
      throw error;
    }
  }

  async *keys(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: BLOBS, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(BLOBS.length);
        if (key && /^[0-9a-f]{64}$/.test(key)) yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async checkWritable(): Promise<void> {
    const probe = `${TEMPORARY}ready-${randomBytes(6).toString('hex')}`;
    await this.client.send(new PutObjectCommand({ Bucket: this.settings.bucket, Key: probe, Body: 'ok' }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: probe }));
  }

  /**
   * Copies the finished upload to its content address. Identical bytes already there are copied over too:
   * the object's new LastModified tells the cleanup (removeUnlessRecent) that a row may be about to point
   * at it.
   */
  private async moveIntoPlace(temporaryKey: string, sha256: string): Promise<void> {
    checkBlobKey(sha256);
    const { bucket } = this.settings;
    // A copy is atomic: the blobs/ key shows all of the bytes or does not exist.
    const copied = await this.client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: BLOBS + sha256, CopySource: `${bucket}/${temporaryKey}` }),
    );
    // Its bytes were hashed as they went up: its first read need not hash them.
    const etag = copied.CopyObjectResult?.ETag;
    if (etag) this.verdicts.record(sha256, etag, true);
  }

  /**
   * S3 has no rename to take an object out of reach first: a copy of the same bytes that lands between the
   * HEAD and the DELETE (milliseconds) would be removed with it. The grace covers every copy made before.
   */
  async removeUnlessRecent(key: string, recentMs: number): Promise<boolean> {
    checkBlobKey(key);
    const { bucket } = this.settings;
    let stored: Date | undefined;
    try {
      stored = (await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: BLOBS + key }))).LastModified;
    } catch (error) {
      if (statusOf(error) === 404) return true;
      throw error;
    }
    if (!stored || stored.getTime() > Date.now() - recentMs) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: BLOBS + key }));
    return true;
  }

  private async deleteQuietly(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key })).catch(() => {});
  }

  /**
   * What a crash left under tmp/: completed temporary objects and multipart uploads never completed nor
   * aborted, whose writer stopped (see isLeftBehind: other instances may be uploading right now).
   */
  private async removeLeftovers(log: Logger): Promise<void> {
    const { bucket } = this.settings;
    const nameOf = (key: string) => key.slice(TEMPORARY.length);
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: TEMPORARY, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && isLeftBehind(nameOf(object.Key), object.LastModified.getTime())) {
          await this.deleteQuietly(object.Key);
          removed++;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const uploads = await this.client
      .send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: TEMPORARY }))
      .catch((error: unknown) => {
        // Some S3-compatible stores (s3rver among them) cannot list uploads: nothing to clean up there.
        if (statusOf(error) === 501) return { Uploads: [] };
        throw error;
      });
    for (const upload of uploads.Uploads ?? []) {
      if (
        upload.Key &&
        upload.UploadId &&
        upload.Initiated &&
        isLeftBehind(nameOf(upload.Key), upload.Initiated.getTime())
      ) {
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }))
          .catch(() => {});
        removed++;
      }
    }
    if (removed > 0) log.info({ leftoversRemoved: removed }, 'removed the leftovers of interrupted uploads');
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
