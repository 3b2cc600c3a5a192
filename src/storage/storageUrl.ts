import { isAbsolute, resolve } from 'node:path';

/** Where the blobs live: a folder on this machine (the default), or a bucket of an S3-compatible store. */
export type StorageSettings = FileStorageSettings | S3StorageSettings;

export interface FileStorageSettings {
  kind: 'file';
  dir: string;
}

export interface S3StorageSettings {
  kind: 's3';
  bucket: string;
  /** scheme://host[:port] of a store other than AWS S3; undefined: AWS S3 itself. */
  endpoint: string | undefined;
  region: string;
  /** Bucket in the path (`host/bucket/key`) rather than in the host name (`bucket.host/key`). */
  forcePathStyle: boolean;
}

/** A single CopyObject request copies at most 5 GiB: the largest blob the S3 store can move into place. */
export const S3_MAX_BLOB_BYTES = 5 * 1024 ** 3;

const S3_EXAMPLE = 's3://my-bucket?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=true';
const S3_PARAMETERS = ['endpoint', 'region', 'forcePathStyle'];
// AWS's rules for bucket names that work in both URL styles: 3-63 lowercase letters, digits, dots, hyphens.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,40}$/;

/**
 * Reads STORAGE_URL: unset or `file:<folder>` for a folder, `s3://<bucket>?endpoint=&region=&forcePathStyle=`
 * for an object store. Throws an Error whose message says what is wrong; the caller names the variable.
 * Credentials never go in the URL: the AWS SDK finds them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...).
 */
export function parseStorageUrl(
  raw: string | undefined,
  defaults: { blobDir: string; region: string | undefined },
): StorageSettings {
  if (raw === undefined || raw === '') return { kind: 'file', dir: defaults.blobDir };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'file') return parseFileUrl(raw);
  if (scheme === 's3') return parseS3Url(raw, defaults.region);
  const found = scheme ? `the scheme "${scheme}:"` : 'no scheme';
  throw new Error(`${found} is not supported; use file:<folder>, ${S3_EXAMPLE}, or leave it unset`);
}

function parseFileUrl(raw: string): FileStorageSettings {
  const path = raw.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === '' || path.startsWith('//')) {
    throw new Error('file: needs a folder, e.g. file:./data/blobs or file:///srv/blobs');
  }
  return { kind: 'file', dir: isAbsolute(path) ? path : resolve(path) };
}

function parseS3Url(raw: string, regionFallback: string | undefined): S3StorageSettings {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a valid URL; expected e.g. ${S3_EXAMPLE}`);
  }
  if (url.username !== '' || url.password !== '') {
    // Not repeated in the message: it may be a secret.
    throw new Error('credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const bucket = url.hostname;
  if (bucket === '') throw new Error(`the bucket is missing; expected e.g. ${S3_EXAMPLE}`);
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new Error(
      `"${bucket}" is not a valid bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`,
    );
  }
  if (url.port !== '') throw new Error('a port belongs in the endpoint parameter, not after the bucket');
  if (url.pathname !== '' && url.pathname !== '/') {
    throw new Error(`a key prefix after the bucket ("${url.pathname}") is not supported; use a bucket of its own`);
  }
  if (url.hash !== '') throw new Error('a #fragment has no meaning here; remove it');
  for (const name of url.searchParams.keys()) {
    if (!S3_PARAMETERS.includes(name)) {
      throw new Error(`unknown parameter "${name}"; the parameters are ${S3_PARAMETERS.join(', ')}`);
    }
  }
  const endpoint = parseEndpoint(url.searchParams.get('endpoint'));
  const region = url.searchParams.get('region') || regionFallback || 'us-east-1';
  if (!REGION.test(region)) throw new Error(`"${region}" is not a region name, e.g. us-east-1`);
  // Self-hosted stores (MinIO, Ceph, s3rver) mostly serve buckets only in the path.
  const forcePathStyle = parseFlag(url.searchParams.get('forcePathStyle'), endpoint !== undefined);
  return { kind: 's3', bucket, endpoint, region, forcePathStyle };
}

function parseEndpoint(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const shown = raw.includes('@') ? 'given' : `"${raw}"`; // what may be a secret is not repeated
    throw new Error(`the endpoint ${shown} is not a URL; expected e.g. http://127.0.0.1:9000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('endpoint must start with http:// or https://');
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error('credentials do not belong in the endpoint; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new Error(`endpoint must be scheme://host[:port] with nothing after it, got "${raw}"`);
  }
  return url.origin;
}

function parseFlag(raw: string | null, fallback: boolean): boolean {
  if (raw === null || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`forcePathStyle must be true or false, got "${raw}"`);
}

/** Where the blobs are, for the log: a bucket and its endpoint, never a credential. */
export function describeStorage(settings: StorageSettings): string {
  if (settings.kind === 'file') return `filesystem at ${settings.dir}`;
  const where = settings.endpoint ? `at ${settings.endpoint}` : `in AWS region ${settings.region}`;
  return `s3://${settings.bucket} ${where}`;
}
