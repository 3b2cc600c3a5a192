import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip';

/**
 * JSON answers shorter than this (in characters) go out as they are, and never look at Accept-Encoding: the
 * hot reads (one asset by GraphQL about 150 bytes, GET /assets/:id about 300, a WoodWing search by id about
 * 650) stay as fast as they were. Below 4 KiB an answer is three packets at most and brotli would save under
 * 3 KB for some 30 to 50 µs of CPU, a tenth of such a request's own.
 */
export const COMPRESSIBLE_JSON_LENGTH = 4096;

/**
 * Brotli quality 1 and gzip level 1 for JSON, compressed per answer: on a 73 KB search answer brotli 1 takes
 * about 120 µs for 6.9 KB where quality 4 takes 400 µs for 6.3 KB, and gzip 1 150 µs for 7.5 KB.
 */
const JSON_BROTLI = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
};
const JSON_GZIP = { level: 1 };

/** The encoding to answer in, from Accept-Encoding: brotli before gzip; undefined: none (identity). */
export function preferredEncoding(acceptEncoding: string | string[] | undefined): ContentEncoding | undefined {
  if (typeof acceptEncoding !== 'string' || acceptEncoding === '') return undefined;
  const accepted = new Map<string, boolean>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...params] = part.split(';');
    const quality = params.map((param) => param.trim()).find((param) => /^q=/i.test(param));
    accepted.set(coding.trim().toLowerCase(), quality === undefined || Number(quality.slice(2)) > 0);
  }
  const anyOther = accepted.get('*') ?? false;
  if (accepted.get('br') ?? anyOther) return 'br';
  if (accepted.get('gzip') ?? accepted.get('x-gzip') ?? anyOther) return 'gzip';
  return undefined;
}

function compressJson(text: string, encoding: ContentEncoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(text, JSON_BROTLI) : gzipSync(text, JSON_GZIP);
}

/**
 * Ends `res` with a JSON `text` of at least COMPRESSIBLE_JSON_LENGTH characters, compressed when the client
 * accepts brotli or gzip; `headers` (content type, cache control...) are sent with it, and `Vary` in any case.
 */
export function sendLargeJson(
  res: ServerResponse,
  status: number,
  text: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const encoding = preferredEncoding(res.req.headers['accept-encoding']);
  const body = encoding ? compressJson(text, encoding) : text;
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  res.appendHeader('vary', 'Accept-Encoding');
  if (encoding) res.setHeader('content-encoding', encoding);
  res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.end(body);
}

/**
 * Ends `res` with a JSON `text`: from COMPRESSIBLE_JSON_LENGTH characters on as sendLargeJson does, else as it
 * is. `headers` must be the caller's own object: content-length is added to it.
 */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders): void {
  if (text.length >= COMPRESSIBLE_JSON_LENGTH) {
    sendLargeJson(res, status, text, headers);
    return;
  }
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}
