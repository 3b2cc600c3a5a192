import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type Env, readInteger } from './configValues.js';

/** How thumbnails, previews and preset renditions are made, and how much of the machine they may take. */
export interface RenditionSettings {
  /** Images rendered at once by this instance (the queue and first requests of presets together). */
  concurrency: number;
  /** libvips threads per image (sharp.concurrency). */
  threads: number;
  /** Larger inputs get no rendition (sharp's limitInputPixels): bounds the memory of one decode. */
  maxInputPixels: number;
  /** Larger files get no rendition: the bytes of one file are held in memory while it is rendered. */
  maxInputBytes: number;
  /** The largest width or height a client may ask for (?size=, maxWidth_..., a preset). */
  maxSize: number;
  /** Sizes asked for in the URL (?size=, maxWidth_...) made per file; past it, the thumbnail or preview is served. */
  maxSizesPerFile: number;
  /** First requests of a size or preset that may wait for a render slot; past it, 409 "try again". */
  maxWaiting: number;
  /** A blob stored this recently is never removed by the cleanup: its row may be about to be written. */
  cleanupGraceMs: number;
  /** How often each instance looks for renditions no live file uses (besides after its own deletes). */
  cleanupIntervalMs: number;
  /** Drawn on the thumbnails and previews of shared links with watermarked=true, unless an image is set. */
  watermarkText: string;
  /** An image file drawn instead of the text; checked at start. */
  watermarkImage: string | undefined;
}

function readWatermarkImage(env: Env): string | undefined {
  const raw = env.WATERMARK_IMAGE;
  if (raw === undefined || raw === '') return undefined;
  const path = resolve(raw);
  if (!existsSync(path)) throw new ConfigError('WATERMARK_IMAGE', `no file at ${path}`);
  return path;
}

export function readRenditions(env: Env): RenditionSettings {
  const watermarkText = env.WATERMARK_TEXT ?? 'PREVIEW';
  if (watermarkText.length > 200) throw new ConfigError('WATERMARK_TEXT', 'must be at most 200 characters');
  return {
    concurrency: readInteger(env, 'RENDITION_CONCURRENCY', 1, 1, 16),
    threads: readInteger(env, 'RENDITION_THREADS', 2, 1, 64),
    maxInputPixels: readInteger(env, 'RENDITION_MAX_INPUT_MEGAPIXELS', 100, 1, 1000) * 1_000_000,
    maxInputBytes: readInteger(env, 'RENDITION_MAX_INPUT_MB', 200, 1, 4096) * 1024 * 1024,
    maxSize: readInteger(env, 'RENDITION_MAX_SIZE', 4096, 16, 16_383),
    maxSizesPerFile: readInteger(env, 'RENDITION_MAX_SIZES_PER_FILE', 12, 1, 1000),
    maxWaiting: readInteger(env, 'RENDITION_MAX_WAITING', 8, 0, 1000),
    cleanupGraceMs: readInteger(env, 'RENDITION_CLEANUP_GRACE_SECONDS', 3600, 1, 7 * 86_400) * 1000,
    cleanupIntervalMs: readInteger(env, 'RENDITION_CLEANUP_INTERVAL_SECONDS', 600, 1, 86_400) * 1000,
    watermarkText: watermarkText.trim() === '' ? 'PREVIEW' : watermarkText,
    watermarkImage: readWatermarkImage(env),
  };
}
