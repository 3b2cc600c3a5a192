import { readFile } from 'node:fs/promises';
import sharp from 'sharp';

/** Pango markup takes &, < and > only as entities. */
function escapedMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * What is drawn across the thumbnails and previews a watermarked shared link hands out: a configured image
 * (WATERMARK_IMAGE) or text (WATERMARK_TEXT), scaled to about half the picture's width, half transparent.
 */
export class Watermark {
  private constructor(
    private readonly image: Buffer | undefined,
    private readonly text: string,
  ) {}

  /** Reads and checks the image once, at start: a file sharp cannot read stops the start. */
  static async load(settings: { watermarkText: string; watermarkImage: string | undefined }): Promise<Watermark> {
    if (!settings.watermarkImage) return new Watermark(undefined, settings.watermarkText);
    const image = await readFile(settings.watermarkImage);
    try {
      await sharp(image).metadata();
    } catch {
      throw new Error('WATERMARK_IMAGE: the file is not an image this server can read');
    }
    return new Watermark(image, settings.watermarkText);
  }

  /** A transparent PNG no larger than width x height, to be laid over the middle of the picture. */
  async overlayFor(width: number, height: number): Promise<Buffer> {
    const boxWidth = Math.max(1, Math.round(width * 0.6));
    const boxHeight = Math.max(1, Math.round(height * 0.6));
    if (this.image) {
      return sharp(this.image)
        .ensureAlpha(0.5)
        .resize({ width: boxWidth, height: boxHeight, fit: 'inside' })
        .png()
        .toBuffer();
    }
    const label = await sharp({
      text: {
        text: `<span foreground="#ffffff" background="#00000066"> ${escapedMarkup(this.text)} </span>`,
        font: 'sans bold',
        rgba: true,
        dpi: 300,
      },
    })
      .png()
      .toBuffer();
    return sharp(label).resize({ width: boxWidth, height: boxHeight, fit: 'inside' }).png().toBuffer();
  }
}
