import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobCensus, fileBlobCensus } from '../support/blobCensus.js';
import { type ChildServer, type ChildServerData, childServerData } from '../support/childServer.js';
import { eventually } from '../support/testServer.js';

/*
 * Issue 17, crashes: the service is killed with SIGKILL while renditions wait in their queue, one of them being
 * made, then started again on the same data. Every rendition is made after the restart (or NONE, with a
 * reason, for the file that is no image), none is lost, each one served decodes whole at its expected size,
 * and no staging file is left. The claim of the killed process runs out within a lease (30 s): the waits
 * below (75 s) are shorter than the old unrenewed 2-minute lease, so they fail if the claim is held longer.
 */

/** Noisy photographs, large enough that rendering them takes a moment; preview and thumbnail sizes follow. */
const PICTURES = [
  { name: 'landscape.jpg', width: 6400, height: 4800, preview: [1600, 1200], thumbnail: [256, 192] },
  { name: 'portrait.jpg', width: 4800, height: 6400, preview: [1200, 1600], thumbnail: [192, 256] },
  { name: 'square.jpg', width: 5000, height: 5000, preview: [1600, 1600], thumbnail: [256, 256] },
  { name: 'panorama.jpg', width: 6400, height: 3200, preview: [1600, 800], thumbnail: [256, 128] },
] as const;
const BROKEN = 'broken.jpg';
const WAIT_MS = 75_000;

interface RenditionRow {
  source_sha256: string;
  variant: string;
  state: string;
  attempts: number;
  blob_key: string | null;
  width: number | null;
  height: number | null;
  reason: string | null;
}

function noisyPhoto(width: number, height: number): Promise<Buffer> {
  const noise = { type: 'gaussian' as const, mean: 128, sigma: 60 };
  return sharp({ create: { width, height, channels: 3, background: '#000', noise } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

describe('SIGKILL with renditions waiting and one being made, then a restart', () => {
  let data: ChildServerData;
  let second: ChildServer;
  let token: string;
  const ids: Record<string, string> = {};
  const shaOf: Record<string, string> = {};
  let before: RenditionRow[];
  let after: RenditionRow[];
  let censusAfter: BlobCensus;

  const renditionRows = async () =>
    (await data.sql(
      'select source_sha256, variant, state, attempts, blob_key, width, height, reason from renditions',
    )) as unknown as RenditionRow[];
  const rowOf = (rows: RenditionRow[], name: string, variant: string) =>
    rows.find((row) => row.source_sha256 === shaOf[name] && row.variant === variant);

  beforeAll(async () => {
    data = await childServerData();
    // One render at a time on one libvips thread, so the queue is still busy when the kill comes.
    const settings = { STORAGE_URL: '', RENDITION_THREADS: '1', RENDITION_CONCURRENCY: '1' };
    const first = await data.start(settings);
    token = await data.adminToken(first);
    for (const picture of PICTURES) {
      ids[picture.name] = await data.upload(
        first,
        token,
        picture.name,
        await noisyPhoto(picture.width, picture.height),
      );
    }
    ids[BROKEN] = await data.upload(first, token, BROKEN, 'not a JPEG at all, only its name says so');
    for (const [name, id] of Object.entries(ids)) {
      shaOf[name] = String((await data.sql('select sha256 from assets where id = ?', [id]))[0]?.sha256);
    }
    // Kill once a rendition is claimed (being made) while others still wait unclaimed.
    before = await eventually(async () => {
      const rows = await renditionRows();
      const pending = rows.filter((row) => row.state === 'PENDING');
      const claimed = pending.some((row) => row.attempts > 0);
      const waiting = pending.some((row) => row.attempts === 0);
      return claimed && waiting ? rows : undefined;
    }, WAIT_MS);
    await first.kill9();

    second = await data.start(settings);
    after = await eventually(async () => {
      const rows = await renditionRows();
      const settled = rows.length === 2 * (PICTURES.length + 1) && rows.every((row) => row.state !== 'PENDING');
      return settled ? rows : undefined;
    }, WAIT_MS);
    censusAfter = await fileBlobCensus(join(data.dataDir, 'blobs'), data.sql);
    const made = after.filter((row) => rowOf(before, ...nameAndVariant(row))?.state !== 'READY');
    const waitingAtKill = before.filter((row) => row.state === 'PENDING');
    console.log(
      `renditions waiting at the kill: ${waitingAtKill.length} of ${after.length} ` +
        `(${waitingAtKill.filter((row) => row.attempts > 0).length} claimed); ` +
        `settled after the restart: ${made.length}; staging files left: ${censusAfter.stagingLeftovers}; ` +
        `orphan blobs: ${censusAfter.orphanBlobs}; rows without their blob: ${censusAfter.rowsWithoutBlob}`,
    );
  }, 240_000);
  afterAll(async () => {
    await second?.kill9();
    await data?.remove();
  });

  const nameAndVariant = (row: RenditionRow): [string, string] => [
    Object.keys(shaOf).find((name) => shaOf[name] === row.source_sha256) ?? '',
    row.variant,
  ];

  it('leaves renditions waiting and one being made when the process is killed', () => {
    const pending = before.filter((row) => row.state === 'PENDING');
    expect(pending.some((row) => row.attempts > 0)).toBe(true);
    expect(pending.some((row) => row.attempts === 0)).toBe(true);
  });

  it('makes every rendition of every picture after the restart, none lost', () => {
    for (const picture of PICTURES) {
      expect(rowOf(after, picture.name, 'preview')?.state).toBe('READY');
      expect(rowOf(after, picture.name, 'thumbnail')?.state).toBe('READY');
    }
  });

  it('ends the file that is no image with no rendition and a reason', () => {
    for (const variant of ['preview', 'thumbnail']) {
      const row = rowOf(after, BROKEN, variant);
      expect(row?.state).toBe('NONE');
      expect(row?.reason).toMatch(/cannot be read as an image/);
    }
  });

  it('takes up the rendition the killed process was making', () => {
    const claimed = before.filter((row) => row.state === 'PENDING' && row.attempts > 0);
    for (const row of claimed) expect(rowOf(after, ...nameAndVariant(row))?.state).not.toBe('PENDING');
    const madeBySecond = second.logLines.filter((line) => line.msg === 'rendition made');
    expect(madeBySecond.length).toBeGreaterThan(0);
  });

  it('serves each thumbnail and preview whole, its bytes the stored ones, at the expected size', async () => {
    for (const picture of PICTURES) {
      for (const variant of ['preview', 'thumbnail'] as const) {
        const response = await fetch(`${second.url}/${variant}/${ids[picture.name]}/*/${picture.name}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status).toBe(200);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(rowOf(after, picture.name, variant)?.blob_key);
        const { width, height } = await sharp(bytes, { failOn: 'truncated' }).metadata();
        const decoded = await sharp(bytes, { failOn: 'truncated' }).raw().toBuffer();
        expect([width, height]).toEqual([...picture[variant]]);
        expect(decoded.length).toBe(picture[variant][0] * picture[variant][1] * 3);
      }
    }
  });

  it('leaves no staging file, no orphan blob and no rendition without its blob', () => {
    expect(censusAfter).toEqual({ stagingLeftovers: 0, orphanBlobs: 0, rowsWithoutBlob: 0 });
  });
});
