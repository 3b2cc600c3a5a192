import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import type { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { isRenderable } from '../../renditions/renditionSpecs.js';
import { isServable } from '../../resolvers/policy/servability.js';
import { linkAllows } from '../../resolvers/policy/sharing.js';
import { renditionsOf, woodwingFilePath } from '../../resolvers/renditions/assetRenditions.js';
import { type SharedLinkContents, sharedLinkContentsOf } from '../../resolvers/sharing/sharedLinkContents.js';
import type { ReviewDecision } from '../../resolvers/sharing/sharedLinkReviews.js';

export interface FileLink {
  label: string;
  href: string;
}

/** One shared asset as its card shows it; every href is relative to the page and carries the key. */
export interface AssetCardView {
  id: string;
  name: string;
  facts: string;
  thumbnail: { src: string; width: number | null; height: number | null } | null;
  /** Shown in the thumbnail's place when there is none. */
  placeholder: string;
  previewHref: string | null;
  downloads: FileLink[];
  /** null: the link does not ask for approval. */
  review: { decision: ReviewDecision | null } | null;
}

export interface CardSection {
  heading: string;
  cards: AssetCardView[];
}

/** What a page's notice says, from the `notice` parameter of the redirect after a form. */
export type NoticeCode = 'uploaded' | 'approved' | 'rejected' | 'unsent';

export interface SharedLinkPageView {
  key: string;
  subject: string;
  description: string | null;
  validUntil: Date;
  /** What the link lets its holder do, in words. */
  allowances: string[];
  sections: CardSection[];
  acceptsUploads: boolean;
  notice: { text: string; problem: boolean } | null;
  omitted: number;
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

function sizeText(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Why a file has no thumbnail or download yet: still being scanned, or not to be handed out at all. */
const unservableNote = (asset: Asset) =>
  asset.state === 'UNSCANNED' || asset.state === 'CLEAN' ? 'Being checked' : 'Not available';

const extensionLabel = (asset: Asset) => (asset.extension || 'file').toUpperCase();

/** A WoodWing file URL of the asset, relative to the page (so a proxy's path prefix holds), with the key. */
function hrefOf(kind: 'file' | 'preview' | 'thumbnail', asset: Asset, key: string, extra = ''): string {
  return `${woodwingFilePath(kind, asset).slice(1)}?authKey=${encodeURIComponent(key)}${extra}`;
}

async function cardOf(
  ctx: RequestContext,
  contents: SharedLinkContents,
  asset: Asset,
  presets: DownloadPreset[],
): Promise<AssetCardView> {
  const { authKey, key } = contents;
  const servable = isServable(asset);
  const renditions = servable ? await renditionsOf(ctx, asset) : [];
  const thumbnail = renditions.find((rendition) => rendition.name === 'thumbnail' && rendition.state === 'READY');
  const previewReady = renditions.some((rendition) => rendition.name === 'preview' && rendition.state === 'READY');
  const showsPreview = previewReady && linkAllows(authKey, 'preview');
  const download = '&forceDownload=true';
  const downloads: FileLink[] = [];
  if (servable && linkAllows(authKey, 'original')) {
    downloads.push({ label: 'Download original', href: hrefOf('file', asset, key, download) });
  }
  if (showsPreview) downloads.push({ label: 'Download preview', href: hrefOf('preview', asset, key, download) });
  if (servable && isRenderable(asset.contentType)) {
    for (const preset of presets) {
      const extra = `&downloadPresetId=${encodeURIComponent(preset.id)}${download}`;
      downloads.push({ label: `Download ${preset.name}`, href: hrefOf('preview', asset, key, extra) });
    }
  }
  const pending = renditions.some((rendition) => rendition.state === 'PENDING');
  return {
    id: asset.id,
    name: asset.name,
    facts: `${extensionLabel(asset)}, ${sizeText(asset.size)}`,
    thumbnail: thumbnail
      ? { src: hrefOf('thumbnail', asset, key), width: thumbnail.width, height: thumbnail.height }
      : null,
    placeholder: servable ? (pending ? 'Preview being made' : extensionLabel(asset)) : unservableNote(asset),
    previewHref: showsPreview ? hrefOf('preview', asset, key) : null,
    downloads,
    review: authKey.requestApproval ? { decision: contents.reviews.get(asset.id) ?? null } : null,
  };
}

function allowancesOf({ authKey, presets }: SharedLinkContents): string[] {
  const allowances: string[] = [];
  if (authKey.downloadOriginal) allowances.push('download the original files');
  if (linkAllows(authKey, 'preview')) allowances.push('view and download previews');
  if (presets.length > 0) allowances.push(`download ${presets.map((preset) => preset.name).join(', ')}`);
  if (authKey.requestApproval) allowances.push('approve or reject each file');
  if (authKey.requestUpload) allowances.push('upload files');
  return allowances;
}

function noticeOf(code: string | null, assetId: string | null, sections: CardSection[]) {
  const name = sections.flatMap((section) => section.cards).find((card) => card.id === assetId)?.name;
  const file = name ? `“${name}”` : 'the file';
  switch (code as NoticeCode | null) {
    case 'uploaded':
      return {
        text: 'Thank you: your file was received. It is checked for viruses before anyone opens it.',
        problem: false,
      };
    case 'approved':
    case 'rejected':
      return { text: `Your decision was recorded: you ${code} ${file}.`, problem: false };
    case 'unsent':
      return {
        text: `Your decision on ${file} was recorded, but the person who shared it could not be told by e-mail.`,
        problem: true,
      };
    default:
      return null;
  }
}

/** Everything the page of a shared link shows, from the resolvers; throws NotFound for a key that does not work. */
export async function sharedLinkPageViewOf(
  ctx: RequestContext,
  key: string,
  notice: { code: string | null; assetId: string | null },
): Promise<SharedLinkPageView> {
  const contents = await sharedLinkContentsOf(ctx, key);
  // One at a time: a card may queue renditions, which writes through the request's one EntityManager.
  const cardsOf = async (assets: Asset[]) => {
    const cards: AssetCardView[] = [];
    for (const asset of assets) cards.push(await cardOf(ctx, contents, asset, contents.presets));
    return cards;
  };
  const sections: CardSection[] = [];
  if (contents.assets.length > 0) sections.push({ heading: 'Shared files', cards: await cardsOf(contents.assets) });
  for (const { container, assets } of contents.containers) {
    sections.push({ heading: container.name.replace(/\.collection$/, ''), cards: await cardsOf(assets) });
  }
  const { authKey } = contents;
  return {
    key,
    subject: authKey.subject,
    description: authKey.description ?? null,
    validUntil: authKey.validUntil,
    allowances: allowancesOf(contents),
    sections,
    acceptsUploads: authKey.requestUpload,
    notice: noticeOf(notice.code, notice.assetId, sections),
    omitted: contents.omitted,
  };
}
