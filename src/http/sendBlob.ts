import type { IncomingMessage, ServerResponse } from 'node:http';
import parseRange from 'range-parser';
import type { BlobStore } from '../storage/BlobStore.js';

export interface BlobDownload {
  blobKey: string;
  size: number;
  contentType: string;
  filename: string;
  disposition: 'inline' | 'attachment';
  /** Unquoted; sent quoted. */
  etag: string;
  lastModified: Date;
  cacheControl: string;
  /** Extra headers, e.g. GOV.UK's `Link: <parent>; rel="up"`. */
  headers?: Record<string, string>;
}

/** RFC 6266, with the filename always quoted (GOV.UK's form) and filename* added for a non-ASCII name. */
export function contentDispositionOf(type: string, filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&');
  const header = `${type}; filename="${ascii}"`;
  if (/^[\x20-\x7e]*$/.test(filename)) return header;
  const extended = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${header}; filename*=UTF-8''${extended}`;
}

/**
 * Rails' freshness check with strict_freshness off (reference section 5, step 11): every validator the
 * client sent must hold, If-None-Match and If-Modified-Since alike. The request's Cache-Control is not
 * looked at: GOV.UK does not, and fetch() sends no-cache with every conditional request.
 */
function notModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const noneMatch = req.headers['if-none-match'];
  const modifiedSince = req.headers['if-modified-since'];
  if (!noneMatch && !modifiedSince) return false;
  const tags = noneMatch?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  const etagHolds = !tags || tags.includes('*') || tags.includes(etag);
  const since = modifiedSince ? Date.parse(modifiedSince) : Number.NaN;
  const dateHolds =
    !modifiedSince || (!Number.isNaN(since) && since >= Math.floor(lastModified.getTime() / 1000) * 1000);
  return etagHolds && dateHolds;
}

/**
 * Answers GET or HEAD with a blob's bytes, streamed from the store: conditional requests (304 when
 * If-None-Match and If-Modified-Since both hold, as many as are sent), one byte range (206, or 416 when it
 * cannot be satisfied) and the safety headers every download carries.
 */
export async function sendBlob(
  req: IncomingMessage,
  res: ServerResponse,
  blobStore: BlobStore,
  download: BlobDownload,
): Promise<void> {
  const etag = `"${download.etag}"`;
  const lastModified = download.lastModified.toUTCString();
  res.setHeader('content-type', download.contentType);
  res.setHeader('content-disposition', contentDispositionOf(download.disposition, download.filename));
  res.setHeader('etag', etag);
  res.setHeader('last-modified', lastModified);
  res.setHeader('cache-control', download.cacheControl);
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  for (const [name, value] of Object.entries(download.headers ?? {})) res.setHeader(name, value);

  if (notModified(req, etag, download.lastModified)) {
    res.statusCode = 304;
    res.removeHeader('content-type');
    res.end();
    return;
  }

  let range: { start: number; end: number } | undefined;
  const rangeHeader = req.headers.range;
  // If-Range: a range only of the version the client already has; otherwise the whole file.
  const ifRange = req.headers['if-range'];
  if (rangeHeader && (!ifRange || ifRange === etag || ifRange === lastModified)) {
    const ranges = parseRange(download.size, rangeHeader, { combine: true });
    if (ranges === -1) {
      res.statusCode = 416;
      res.setHeader('content-range', `bytes */${download.size}`);
      res.end();
      return;
    }
    // A malformed header (-2) or several ranges: the whole file, which RFC 9110 allows.
    if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1 && ranges[0]) range = ranges[0];
  }

  const length = range ? range.end - range.start + 1 : download.size;
  res.statusCode = range ? 206 : 200;
  if (range) res.setHeader('content-range', `bytes ${range.start}-${range.end}/${download.size}`);
  res.setHeader('content-length', length);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // A client that goes away mid-download stops the reading, and the file is closed.
  await blobStore.writeTo({ key: download.blobKey, size: download.size }, res, range).catch((error: unknown) => {
    if (!res.destroyed) throw error;
  });
}
