import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { BadInput } from '../../errors.js';
import type { RouteHandler } from '../../http/route.js';
import { contentDispositionOf } from '../../http/sendBlob.js';
import { type ZipKind, zipEntries } from '../../resolvers/serving/zipDownloads.js';
import { readWoodwingParams } from './params.js';
import { refusedCaller, sendDomainError } from './responses.js';

/** Which file of each asset: exactly one of downloadKind (original or preview), downloadPresetId or previewFormat. */
function kindOf(downloadKind?: string, presetId?: string, previewFormat?: string): ZipKind {
  const given = [downloadKind, presetId, previewFormat].filter(Boolean).length;
  if (given !== 1)
    throw new BadInput(
      'Say what to zip of each asset with exactly one of downloadKind, downloadPresetId or previewFormat',
    );
  if (presetId) return { original: false, rendition: { kind: 'preview', presetId } };
  if (previewFormat) return { original: false, rendition: { kind: 'preview' }, format: previewFormat };
  if (downloadKind === 'original') return { original: true };
  if (downloadKind === 'preview') return { original: false, rendition: { kind: 'preview' } };
  throw new BadInput('downloadKind is original or preview');
}

/**
 * WoodWing's `/zip/<name>.zip` and `/services/zip` (GET or POST): the originals, previews or preset renditions of the assets named by assetIds, q
 * or folderPath, streamed as a zip built while it is sent; each file is opened only when its turn comes.
 */
export const zipRoute: RouteHandler = async (call) => {
  const { req, res, url } = call;
  const ctx = await call.context();
  if (refusedCaller(res, ctx, false)) return;
  let zip: ZipFile;
  let filename: string;
  let reading: Readable | null = null;
  try {
    const params = await readWoodwingParams(ctx, req, res, url);
    // /services/zip takes the name as a parameter (filename), with a default; /zip/<name>.zip in its path.
    filename = call.params.name ?? params.string('filename') ?? 'download.zip';
    if (!/.\.zip$/.test(filename)) throw new BadInput('A zip URL reads /zip/<name>.zip');
    const kind = kindOf(
      params.string('downloadKind'),
      params.string('downloadPresetId'),
      params.string('previewFormat'),
    );
    const entries = await zipEntries(
      ctx,
      { ids: params.list('assetIds'), query: params.string('q'), folderPath: params.string('folderPath') },
      kind,
    );
    zip = new ZipFile();
    // A file that cannot be read midway ends the response: the client sees a cut-off zip, not a wrong one.
    zip.on('error', (error: Error) => {
      ctx.log.error({ err: error }, 'a file of the zip could not be read; the zip is cut off');
      (zip.outputStream as Readable).destroy(error);
    });
    for (const entry of entries) {
      const open = (done: (error: unknown, stream: NodeJS.ReadableStream) => void) => {
        ctx.blobStore.get(entry.blobKey).then(
          (stream) => {
            reading = stream;
            done(null, stream);
          },
          (error: unknown) => done(error, null as never),
        );
      };
      zip.addReadStreamLazy(entry.name, { size: entry.size, mtime: entry.modifiedAt, compress: false }, open);
    }
    zip.end();
  } catch (error) {
    if (!sendDomainError(res, error)) throw error;
    return;
  }
  // A client that goes away leaves the file being read open unless it is closed here.
  res.once('close', () => reading?.destroy());
  res.writeHead(200, {
    'content-type': 'application/zip',
    'content-disposition': contentDispositionOf('attachment', filename),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  await pipeline(zip.outputStream, res).catch((error: unknown) => {
    if (!res.destroyed) throw error;
  });
};
