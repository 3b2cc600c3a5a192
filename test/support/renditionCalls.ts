import sharp from 'sharp';
import { eventually, type TestServer } from './testServer.js';

export interface RenditionView {
  name: string;
  state: string;
  url: string | null;
  contentType: string | null;
  width: number | null;
  height: number | null;
  reason: string | null;
}

const RENDITIONS =
  'query($id: ID!) { asset(id: $id) { renditions { name state url contentType width height reason } } }';

/** Waits until the asset's thumbnail and preview are no longer PENDING, and answers them. */
export async function untilRendered(api: TestServer, token: string, id: string): Promise<RenditionView[]> {
  return eventually(async () => {
    const result = await api.graphql<{ asset: { renditions: RenditionView[] } }>(RENDITIONS, { id }, { token });
    const renditions = result.data?.asset?.renditions;
    return renditions?.length && renditions.every((rendition) => rendition.state !== 'PENDING')
      ? renditions
      : undefined;
  }, 30_000);
}

/** A picture of the given size, made by sharp: a gradient-free block of one colour, encoded as `format`. */
export function pictureOf(
  width: number,
  height: number,
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' = 'jpeg',
  alpha = false,
): Promise<Buffer> {
  const channels = alpha ? 4 : 3;
  const background = alpha ? { r: 200, g: 40, b: 40, alpha: 0.5 } : { r: 200, g: 40, b: 40 };
  return sharp({ create: { width, height, channels, background } }).toFormat(format).toBuffer();
}

/** Width, height and format of image bytes, as sharp reads them. */
export async function imageFacts(bytes: Buffer): Promise<{ width: number; height: number; format: string }> {
  const { width, height, format } = await sharp(bytes).metadata();
  return { width: width ?? 0, height: height ?? 0, format: format ?? '' };
}
