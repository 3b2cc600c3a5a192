import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINOR_GC_EVERY_BYTES } from '../src/storage/youngBuffers.js';
import { postStreamedGraphqlUpload } from './support/multipart.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

const MiB = 1024 * 1024;
const UPLOAD_BYTES = 128 * MiB;
const UPLOAD = `mutation($file: Upload!) { uploadAsset(file: $file) { size } }`;

let api: TestServer;
let admin: string;

// The filesystem store, even when TEST_STORAGE_URL names an S3 one: S3 uploads keep their parts in buffers
// of their own until sent, and those bring V8's full collections whatever the socket's chunks do.
beforeEach(async () => {
  api = await startTestServer({ env: { MAX_UPLOAD_MB: '512', STORAGE_URL: '' } });
  admin = await api.adminToken();
});

afterEach(() => api.close());

/** Garbage collections of this process by kind, as /metrics counts them (prom-client's default metrics). */
async function collections(): Promise<{ major: number; minor: number }> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const count = (kind: string) =>
    Number(
      new RegExp(`^asset_gateway_nodejs_gc_duration_seconds_count\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ??
        0,
    );
  return { major: count('major'), minor: count('minor') };
}

describe('memory during an upload', () => {
  it('frees the upload’s socket buffers with minor collections, not a full collection every few MiB', async () => {
    const before = await collections();
    const response = await postStreamedGraphqlUpload(api.url, admin, UPLOAD, UPLOAD_BYTES);
    const body = (await response.json()) as { data?: { uploadAsset: { size: number } } };
    expect(body.data?.uploadAsset.size).toBeGreaterThanOrEqual(UPLOAD_BYTES);

    // prom-client hears of each collection a little later, through a PerformanceObserver.
    const after = await eventually(async () => {
      const now = await collections();
      return now.minor - before.minor >= UPLOAD_BYTES / MINOR_GC_EVERY_BYTES ? now : undefined;
    }, 5_000);
    // Left to V8, 128 MiB of socket reads bring about six full collections of the whole heap.
    expect(after.major - before.major).toBeLessThanOrEqual(1);
  });
});
