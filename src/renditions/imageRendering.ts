import sharp, { type Sharp } from 'sharp';
import { mediaTypeOf, type RenditionSpec } from './renditionSpecs.js';
import type { Watermark } from './Watermark.js';

export interface RenderedImage {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/** The file has no such rendition, for good: the message says why, in words fit for a client. */
export class UnreadableImage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableImage';
  }
}

export interface RenderLimits {
  /** sharp's limitInputPixels: a larger image is refused before it is decoded. */
  maxInputPixels: number;
}

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
};

/** No library that renders PDF pages is maintained and installed here: a PDF gets this typed placeholder. */
function pdfPlaceholder(): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="1131" height="1600" viewBox="0 0 1131 1600">
<rect width="1131" height="1600" fill="#f3f3f3" stroke="#b0b0b0" stroke-width="12"/>
<rect x="315" y="620" width="500" height="300" rx="40" fill="#c62828"/>
<text x="565" y="820" font-family="sans-serif" font-size="190" font-weight="bold" fill="#ffffff" text-anchor="middle">PDF</text>
</svg>`,
  );
}

function encoded(image: Sharp, format: string, quality: number | undefined): Sharp {
  switch (format) {
    case 'jpeg':
      // JPEG has no transparency: what was transparent turns white, not black.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: quality ?? 82 });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: quality ?? 80 });
    case 'avif':
      return image.avif({ quality: quality ?? 50 });
    case 'gif':
      return image.gif();
    default:
      return image.tiff({ quality: quality ?? 80 });
  }
}

function unreadable(error: unknown, limits: RenderLimits): UnreadableImage {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new UnreadableImage(
      `The image is larger than ${limits.maxInputPixels / 1_000_000} megapixels, the most this server renders`,
    );
  }
  // sharp's first line names the fault (an unsupported format, a truncated file); never a path, as the
  // input is a buffer.
  return new UnreadableImage(`The file cannot be read as an image: ${message.split('\n')[0]?.slice(0, 200)}`);
}

/**
 * Renders one rendition of a file's bytes: oriented by its EXIF, fitted (never enlarged), encoded, and
 * watermarked when the spec says. Metadata is stripped. UnreadableImage when sharp cannot read the file.
 */
export async function renderImage(
  input: Buffer,
  sourceType: string,
  spec: RenditionSpec,
  limits: RenderLimits,
  watermark?: Watermark,
): Promise<RenderedImage> {
  const source = mediaTypeOf(sourceType) === 'application/pdf' ? pdfPlaceholder() : input;
  const options = { limitInputPixels: limits.maxInputPixels, failOn: 'error' as const };
  try {
    const { hasAlpha } = await sharp(source, options).metadata();
    const format = spec.format === 'auto' ? (hasAlpha ? 'png' : 'jpeg') : spec.format;
    let image = sharp(source, options)
      .rotate()
      .resize({ width: spec.width, height: spec.height, fit: spec.fit, withoutEnlargement: true });
    if (spec.watermark && watermark) {
      const fitted = await image.png().toBuffer({ resolveWithObject: true });
      const overlay = await watermark.overlayFor(fitted.info.width, fitted.info.height);
      image = sharp(fitted.data).composite([{ input: overlay, gravity: 'center' }]);
    }
    const { data, info } = await encoded(image, format, spec.quality).toBuffer({ resolveWithObject: true });
    return {
      data,
      contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    throw unreadable(error, limits);
  }
}
