import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/** s3rver accepts this key pair and no other. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  httpServer: Server;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

// s3rver ships no types: the little of it used here is typed above.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface S3TestServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Every request it has received so far, as `METHOD /path?query`. */
  requests: string[];
  /** Makes a new, empty bucket and returns its name. */
  createBucket(): Promise<string>;
  /** The STORAGE_URL of one of its buckets. */
  storageUrlOf(bucket: string): string;
  /** Every object key in the bucket (under `prefix`, if given), sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * An S3-protocol server (s3rver) on an ephemeral loopback port, keeping its objects in a temporary folder.
 * The service under test finds its credentials the way it would in production, through the AWS variables:
 * call `useS3rverCredentials()` first.
 */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'asset-gateway-s3-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await s3rver.run();
  const requests: string[] = [];
  s3rver.httpServer.prependListener('request', (req: IncomingMessage) => requests.push(`${req.method} ${req.url}`));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  return {
    endpoint,
    requests,
    async createBucket() {
      const bucket = `test-${randomBytes(6).toString('hex')}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      // s3rver removes a key's folder when its last object goes, and an upload into that folder at the same
      // moment then crashes it (ENOENT). A file that is not an object keeps the service's two folders.
      for (const folder of ['tmp', 'blobs']) {
        await mkdir(join(directory, bucket, folder), { recursive: true });
        await writeFile(join(directory, bucket, folder, '.keep'), '');
      }
      return bucket;
    },
    storageUrlOf(bucket) {
      return `s3://${bucket}?endpoint=${endpoint}&region=us-east-1&forcePathStyle=true`;
    },
    async keys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        s3rver.httpServer.close(() => resolve());
        s3rver.httpServer.closeAllConnections();
      });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Puts s3rver's key pair in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY unless they are already set. */
export function useS3rverCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID ??= S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= S3RVER_CREDENTIALS.secretAccessKey;
}
