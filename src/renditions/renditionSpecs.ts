/** How sharp fits an image into width x height (https://sharp.pixelplumbing.com/api-resize). */
export const FITS = ['inside', 'cover', 'contain', 'fill', 'outside'] as const;
export type Fit = (typeof FITS)[number];

/** Output formats; `auto` is JPEG, or PNG for an image with transparency. */
export const OUTPUT_FORMATS = ['auto', 'jpeg', 'png', 'webp', 'avif', 'gif', 'tiff'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What one rendition is: everything that changes its bytes, so that equal specs share the stored result. */
export interface RenditionSpec {
  width: number;
  height: number;
  fit: Fit;
  format: OutputFormat;
  /** 1-100; undefined: the format's default. */
  quality?: number | undefined;
  watermark: boolean;
}

/** The two renditions every image gets after its scan. */
export const STANDARD_RENDITIONS = {
  thumbnail: { width: 256, height: 256, fit: 'inside', format: 'auto', watermark: false },
  preview: { width: 1600, height: 1600, fit: 'inside', format: 'auto', watermark: false },
} as const satisfies Record<string, RenditionSpec>;
export type StandardRendition = keyof typeof STANDARD_RENDITIONS;

/**
 * The stored name of a spec: "thumbnail" and "preview" (and "-wm" for their watermarked twins), otherwise
 * every setting spelled out, e.g. "800x600-cover-webp-q80".
 */
export function variantOf(spec: RenditionSpec): string {
  const watermark = spec.watermark ? '-wm' : '';
  for (const [name, standard] of Object.entries(STANDARD_RENDITIONS)) {
    if (
      spec.width === standard.width &&
      spec.height === standard.height &&
      spec.fit === standard.fit &&
      spec.format === standard.format &&
      spec.quality === undefined
    ) {
      return `${name}${watermark}`;
    }
  }
  const quality = spec.quality === undefined ? '' : `-q${spec.quality}`;
  return `${spec.width}x${spec.height}-${spec.fit}-${spec.format}${quality}${watermark}`;
}

/** Bitmap types sharp decodes here (HEIC only where its libheif has a decoder), SVG, and PDF (a placeholder). */
const RENDERABLE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/tiff',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/svg+xml',
  'application/pdf',
]);

export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether a file of this type gets a thumbnail and a preview (or, for one sharp cannot read, a "no preview"). */
export function isRenderable(contentType: string): boolean {
  return RENDERABLE_TYPES.has(mediaTypeOf(contentType));
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
  'image/tiff': 'tif',
};

/** The file name extension of a rendition's type. */
export function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType] ?? 'bin';
}
