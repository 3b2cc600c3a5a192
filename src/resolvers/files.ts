import type { Readable } from 'node:stream';
import mime from 'mime-types';
import type { RequestContext } from '../context.js';
import { BadInput, ValidationFailed } from '../errors.js';
import type { StoredBlob } from '../storage/BlobStore.js';
import { EmptyBlob } from '../storage/BlobStore.js';

/**
 * A file as any surface hands it to a resolver: the name the client gave, and either a stream of its bytes
 * or the blob a surface already stored them in (when the request's fields may follow its file).
 */
export type IncomingFile = { filename: string; stream: Readable } | { filename: string; blob: StoredBlob };

const MAX_NAME_LENGTH = 255;

/**
 * GOV.UK Asset Manager's (CarrierWave's) rule, reference section 4 "Derived values": the basename, with
 * every character other than letters, digits, `.`, `-`, `+` and `_` turned into `_`.
 */
export function sanitizeFilename(raw: string): string {
  const base = raw.replaceAll('\\', '/').split('/').pop() ?? '';
  // Ruby's [:word:] is letters, marks, decimal digits and connector punctuation (such as `_`).
  let name = base.replace(/[^\p{L}\p{M}\p{Nd}\p{Pc}.\-+]/gu, '_');
  if (name === '') name = 'unnamed';
  else if (/^\.+$/.test(name)) name = `_${name}`;
  return name;
}

export function checkedFilename(raw: string): string {
  const name = sanitizeFilename(raw);
  if (name.length > MAX_NAME_LENGTH) throw new BadInput(`The name is longer than ${MAX_NAME_LENGTH} characters`);
  return name;
}

// Where GOV.UK's registrations differ from the mime database (reference section 4).
const EXTENSION_TYPES: Record<string, string> = {
  dxf: 'application/dxf',
  gml: 'application/gml+xml',
  doc: 'application/msword',
  dot: 'application/msword',
  rdf: 'application/rdf+xml',
  xls: 'application/vnd.ms-excel',
  xlt: 'application/vnd.ms-excel',
  xlsm: 'application/vnd.ms-excel.sheet.macroEnabled.12',
  ppt: 'application/vnd.ms-powerpoint',
  txt: 'text/plain; charset=utf-8',
  rtf: 'text/rtf',
};

const CONTENT_TYPE_FORMAT = /^\w[\w!#&\-^_.+]+\/\w[\w!#&\-^_.+]+$/;

export function isValidContentType(value: string): boolean {
  return CONTENT_TYPE_FORMAT.test(value);
}

/** An explicit type wins; else the extension's; else application/octet-stream. The client's part header is ignored. */
export function contentTypeFor(name: string, explicit?: string | null): string {
  if (explicit) return explicit;
  const extension = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
  return EXTENSION_TYPES[extension] ?? (mime.lookup(extension) || 'application/octet-stream');
}

/** Streams a file into the blob store; an empty or too large file is refused and leaves nothing behind. */
export async function storeFile(ctx: RequestContext, file: IncomingFile): Promise<StoredBlob> {
  if ('blob' in file) return file.blob;
  try {
    return await ctx.blobStore.put(file.stream, { maxBytes: ctx.config.maxUploadBytes });
  } catch (error) {
    // GOV.UK Asset Manager's wording (reference section 3), which its clients show to people.
    if (error instanceof EmptyBlob) throw new ValidationFailed(["File can't be blank"]);
    throw error;
  }
}
