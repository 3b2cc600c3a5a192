// Renditions (issue #16): how fast the rendition worker makes the thumbnail and preview of 24-megapixel
// JPEGs, and the gateway's peak RSS meanwhile. BENCH_RENDITION_IMAGES (default 6) distinct photos of
// 6000 x 4000 pixels are uploaded one after another; the clock runs from the first upload until every one
// has both renditions, so it includes the uploads (a few MB each, on loopback).
import sharp from 'sharp';
import { GOALS } from './goals.js';
import { graphql } from './graphqlClient.js';
import { type Child, rssMiB, whileSamplingRss } from './processes.js';
import { envInt, fmt } from './settings.js';

const IMAGES = envInt('BENCH_RENDITION_IMAGES', 6);
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }';
const RENDITIONS = 'query($id: ID!) { asset(id: $id) { renditions { state } } }';

export interface RenditionFigures {
  images: number;
  imagesPerSecond: number;
  idleRss: number;
  peakRss: number;
  failure?: string;
}

/** A 24-megapixel photo-like JPEG (noise compresses about as badly as a photo), different each time. */
function photo(): Promise<Buffer> {
  return sharp({
    create: {
      width: 6000,
      height: 4000,
      channels: 3,
      background: '#6a8caf',
      noise: { type: 'gaussian', mean: 128, sigma: 20 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function upload(url: string, token: string, bytes: Buffer, name: string): Promise<string> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  const body = (await response.json()) as { data?: { uploadAsset?: { id: string } } };
  const id = body.data?.uploadAsset?.id;
  if (!id) throw new Error(`the upload of ${name} failed: ${JSON.stringify(body)}`);
  return id;
}

async function untilAllRendered(url: string, token: string, ids: string[]): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  let waiting = [...ids];
  while (waiting.length > 0) {
    if (Date.now() > deadline) throw new Error(`${waiting.length} of ${ids.length} images not rendered in 30 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const states = await Promise.all(
      waiting.map(async (id) => {
        const { asset } = await graphql<{ asset: { renditions: { state: string }[] } }>(url, RENDITIONS, { id }, token);
        if (asset.renditions.some((rendition) => rendition.state === 'NONE'))
          throw new Error(`image ${id} got no rendition`);
        return asset.renditions.every((rendition) => rendition.state === 'READY');
      }),
    );
    waiting = waiting.filter((_, index) => !states[index]);
  }
}

export async function measureRenditions(
  gateway: Child,
  token: string,
  log: (message: string) => void,
): Promise<RenditionFigures> {
  log(`renditions: making ${IMAGES} photos of 24 megapixels...`);
  const photos: Buffer[] = [];
  for (let i = 0; i < IMAGES; i++) photos.push(await photo());
  const idleRss = rssMiB(gateway.pid);
  try {
    const { value: seconds, rss } = await whileSamplingRss(gateway.pid, async () => {
      const started = performance.now();
      const ids: string[] = [];
      for (const [index, bytes] of photos.entries())
        ids.push(await upload(gateway.url, token, bytes, `photo-${index}.jpg`));
      await untilAllRendered(gateway.url, token, ids);
      return (performance.now() - started) / 1000;
    });
    const figures = { images: IMAGES, imagesPerSecond: IMAGES / seconds, idleRss, peakRss: rss.peak };
    log(
      `renditions: ${fmt(figures.imagesPerSecond, 2)} images/s, peak RSS ${fmt(rss.peak, 1)} MiB (idle ${fmt(idleRss, 1)})`,
    );
    return figures;
  } catch (error) {
    const failure = error instanceof Error ? error.message : String(error);
    log(`renditions FAILED: ${failure}`);
    return { images: IMAGES, imagesPerSecond: 0, idleRss, peakRss: 0, failure };
  }
}

export function renditionRows(figures: RenditionFigures): string[][] {
  const growth = figures.peakRss - figures.idleRss;
  return [
    ['measurement', 'result', 'anchor', 'verdict'],
    [
      `thumbnail + preview of ${figures.images} JPEGs of 24 MP (upload included)`,
      figures.failure ? 'FAILED' : `${fmt(figures.imagesPerSecond, 2)} images/s`,
      '',
      figures.failure ??
        `goal >= ${GOALS.renditionImagesPerSecond}: ${figures.imagesPerSecond >= GOALS.renditionImagesPerSecond ? 'PASS' : 'FAIL'}`,
    ],
    [
      'server RSS while rendering, peak minus idle',
      figures.failure ? '' : `${fmt(growth, 1)} MiB (peak ${fmt(figures.peakRss, 1)})`,
      '',
      figures.failure
        ? ''
        : `goal <= ${GOALS.renditionRssGrowthMiB} MiB: ${growth <= GOALS.renditionRssGrowthMiB ? 'PASS' : 'FAIL'}`,
    ],
  ];
}

export function renditionFailures(figures: RenditionFigures): string[] {
  if (figures.failure) return ['the renditions run failed'];
  const failures: string[] = [];
  if (figures.imagesPerSecond < GOALS.renditionImagesPerSecond) {
    failures.push(`renditions ${figures.imagesPerSecond.toFixed(2)} images/s < ${GOALS.renditionImagesPerSecond}`);
  }
  const growth = figures.peakRss - figures.idleRss;
  if (growth > GOALS.renditionRssGrowthMiB)
    failures.push(`rendition RSS growth ${growth.toFixed(0)} MiB > ${GOALS.renditionRssGrowthMiB}`);
  return failures;
}
