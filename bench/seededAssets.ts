// The assets the search bench seeds, the same on every database: names, folders, types and metadata drawn
// from small vocabularies by a seeded generator, so that every run (and every database in one run) searches
// the same assets.
import { createHash } from 'node:crypto';
import { assetDomainOf, extensionOf } from '../src/db/assetDomain.js';

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261122;

export const WORDS = [
  ...['harbour', 'dawn', 'river', 'mountain', 'city', 'forest', 'summer', 'winter', 'autumn', 'spring', 'bridge'],
  ...['market', 'festival', 'coast', 'island', 'village', 'castle', 'garden', 'meadow', 'lake', 'storm', 'sunset'],
  ...['night', 'street', 'station', 'museum', 'library', 'school', 'hospital', 'parliament', 'ministry', 'policy'],
  ...['report', 'budget', 'census', 'election', 'railway', 'airport', 'energy', 'climate', 'farm', 'harvest'],
  ...['ocean', 'lighthouse', 'cathedral', 'crowd', 'parade', 'workshop', 'conference', 'launch', 'poster'],
  ...['brochure', 'guidance', 'annual', 'quarterly', 'heritage', 'wildlife', 'canal', 'valley', 'glacier'],
];

export const TAGS = [
  ...['landscape', 'portrait', 'aerial', 'event', 'press', 'internal', 'archive', 'approved', 'brand', 'logo'],
  ...['social', 'print', 'web', 'still', 'interview', 'infographic', 'map', 'chart', 'team', 'product'],
  ...['people', 'nature', 'architecture', 'travel', 'food', 'sport', 'health', 'education', 'science'],
  ...['technology', 'finance', 'transport', 'environment', 'culture', 'history', 'community', 'government'],
  ...['announcement', 'campaign', 'partner', 'stock', 'editorial', 'hero', 'thumbnail', 'banner', 'icon'],
  ...['background', 'drone', 'night', 'winter'],
];

const FOLDERS = [
  ...['/', '/marketing', '/marketing/campaigns', '/marketing/campaigns/2025', '/marketing/brand', '/press/photos'],
  ...['/press/releases', '/projects/harbour', '/projects/harbour/photos', '/projects/rail', '/reports/annual'],
  ...['/reports/quarterly', '/video', '/video/interviews', '/audio/podcasts', '/archive/2023', '/archive/2024'],
  ...['/shared/templates', '/web/banners', '/events/2025'],
];

/** File types with their weight in the mix and a range of sizes in bytes (drawn log-uniformly). */
const TYPES: { extension: string; contentType: string; weight: number; sizes: [number, number] }[] = [
  { extension: 'jpg', contentType: 'image/jpeg', weight: 30, sizes: [150e3, 25e6] },
  { extension: 'png', contentType: 'image/png', weight: 12, sizes: [20e3, 8e6] },
  { extension: 'tif', contentType: 'image/tiff', weight: 4, sizes: [5e6, 150e6] },
  { extension: 'svg', contentType: 'image/svg+xml', weight: 3, sizes: [2e3, 500e3] },
  { extension: 'mp4', contentType: 'video/mp4', weight: 8, sizes: [2e6, 2e9] },
  { extension: 'mov', contentType: 'video/quicktime', weight: 3, sizes: [10e6, 4e9] },
  { extension: 'mp3', contentType: 'audio/mpeg', weight: 4, sizes: [500e3, 120e6] },
  { extension: 'wav', contentType: 'audio/wav', weight: 2, sizes: [1e6, 500e6] },
  { extension: 'pdf', contentType: 'application/pdf', weight: 12, sizes: [50e3, 40e6] },
  {
    extension: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    weight: 7,
    sizes: [15e3, 5e6],
  },
  {
    extension: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    weight: 4,
    sizes: [200e3, 80e6],
  },
  {
    extension: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    weight: 4,
    sizes: [10e3, 10e6],
  },
  { extension: 'csv', contentType: 'text/csv', weight: 2, sizes: [1e3, 20e6] },
  { extension: 'txt', contentType: 'text/plain', weight: 2, sizes: [200, 200e3] },
  { extension: 'zip', contentType: 'application/zip', weight: 3, sizes: [100e3, 1e9] },
];
const TOTAL_WEIGHT = TYPES.reduce((sum, type) => sum + type.weight, 0);

const DAY_MS = 24 * 60 * 60 * 1000;
const TWO_YEARS_MS = 730 * DAY_MS;
/** Dates are drawn back from this one instant, so that the databases of one run get the same dates too. */
const RUN_STARTED_AT = Date.now();

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** One seeded asset, in the database's terms; dates in ms since the epoch. */
export interface SeededAsset {
  id: string;
  name: string;
  folderPath: string;
  contentType: string;
  extension: string;
  assetDomain: string;
  size: number;
  md5: string;
  sha256: string;
  blobKey: string;
  draft: boolean;
  /** JSON text. */
  metadata: string;
  versionNumber: number;
  createdById: string;
  createdAt: number;
  modifiedAt: number;
  deletedAt: number | null;
}

/** Every folder the seeded assets are in, parents first, each with its parents. */
export function seededFolderPaths(): string[] {
  const paths = new Set<string>();
  for (const folder of FOLDERS) {
    const segments = folder.split('/').filter(Boolean);
    for (let depth = 1; depth <= segments.length; depth++) paths.add(`/${segments.slice(0, depth).join('/')}`);
  }
  return [...paths];
}

/** A folder's id: derived from its path, so that both databases get the same one. */
export const seededFolderId = (path: string) => createHash('md5').update(path).digest('base64url');

/** The `count` assets, numbered from 1, all created by `createdById`: the same sequence on every call. */
export function* seededAssets(count: number, createdById: string): Generator<SeededAsset> {
  const random = generator(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const words = (min: number, max: number) => Array.from({ length: between(min, max) }, () => pick(WORDS));
  const type = () => {
    let left = random() * TOTAL_WEIGHT;
    for (const candidate of TYPES) {
      left -= candidate.weight;
      if (left < 0) return candidate;
    }
    return TYPES[0] as (typeof TYPES)[number];
  };
  const id = () => Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256))).toString('base64url');

  for (let index = 1; index <= count; index++) {
    const assetId = id();
    const [first, second] = words(2, 2) as [string, string];
    const { extension, contentType, sizes } = type();
    const name = `${first}-${second}-${String(index).padStart(5, '0')}.${extension}`;
    const tags = new Set(Array.from({ length: between(1, 4) }, () => pick(TAGS)));
    const metadata = {
      title: [capitalised(first), second, ...words(0, 1)].join(' '),
      description: capitalised(words(4, 8).join(' ')),
      tags: [...tags],
      rating: between(1, 5),
    };
    const createdAt = RUN_STARTED_AT - Math.floor(random() * TWO_YEARS_MS);
    const modifiedAt = Math.min(RUN_STARTED_AT, createdAt + Math.floor(random() * 30 * DAY_MS));
    const sha256 = createHash('sha256').update(assetId).digest('hex');
    yield {
      id: assetId,
      name,
      folderPath: pick(FOLDERS),
      contentType,
      extension: extensionOf(name),
      assetDomain: assetDomainOf(name, contentType),
      size: Math.round(sizes[0] * (sizes[1] / sizes[0]) ** random()),
      md5: createHash('md5').update(assetId).digest('hex'),
      sha256,
      blobKey: sha256,
      // A few drafts and deleted assets, as in any real store.
      draft: random() < 0.02,
      metadata: JSON.stringify(metadata),
      versionNumber: random() < 0.85 ? 1 : between(2, 4),
      createdById,
      createdAt,
      modifiedAt,
      deletedAt: random() < 0.01 ? modifiedAt : null,
    };
  }
}
