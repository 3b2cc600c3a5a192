import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import mime from 'mime-types';
import type { RequestContext } from '../../context.js';
import { type AssetDomain, assetDomainOf, extensionOf } from '../../db/assetDomain.js';
import { BadInput, ValidationFailed } from '../../errors.js';
import type { StagedBlob, StoredBlob } from '../../storage/BlobStore.js';

/**
 * A file as any surface hands it to a resolver: the name the client gave, and either a stream of its bytes
 * or, when the request's fields may follow its file, the bytes already staged in the blob store. A staged
 * file is kept only if a resolver stores it; the surface discards it otherwise.
 */
export type IncomingFile = { filename: string; stream: Readable } | { filename: string; staged: StagedBlob };

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

const UNKNOWN_TYPE = 'application/octet-stream';

/** The type a file name says, from its extension; undefined when it says none ('Jeff', 'notes.zzz'). */
function typeOfName(name: string): string | undefined {
  const extension = extensionOf(name);
  return EXTENSION_TYPES[extension] ?? (mime.lookup(extension) || undefined);
}

/** An explicit type wins; else the extension's; else application/octet-stream. The client's part header is ignored. */
export function contentTypeFor(name: string, explicit?: string | null): string {
  return explicit || typeOfName(name) || UNKNOWN_TYPE;
}

/**
 * The type of a new file and the assetDomain that follows from it: an explicit type wins, else the
 * extension's, else what its first bytes show (file-type's magic numbers: a PNG named 'Jeff' is image/png),
 * else application/octet-stream.
 */
export async function typeOfNewFile(
  name: string,
  head: Buffer,
  explicit?: string | null,
): Promise<{ contentType: string; assetDomain: AssetDomain }> {
  const contentType = explicit || typeOfName(name) || (await fileTypeFromBuffer(head))?.mime || UNKNOWN_TYPE;
  return { contentType, assetDomain: assetDomainOf(name, contentType) };
}

/**
 * Streams a file into the blob store; answers it with its first bytes (`head`). An empty file is refused,
 * unless `mayBeEmpty` (a placeholder), and a too large one too; either leaves nothing behind. A file from the
 * client counts as an upload against the rate limits of its user and address (a placeholder does not).
 */
export async function storeFile(
  ctx: RequestContext,
  file: IncomingFile,
  { mayBeEmpty = false }: { mayBeEmpty?: boolean } = {},
): Promise<StoredBlob & { head: Buffer }> {
  if (!mayBeEmpty) await ctx.rateLimits.consume('upload', ctx.viewer?.id ?? null, ctx.clientAddress);
  const staged = 'staged' in file ? file.staged : await stageFile(ctx, file.stream);
  if (staged.size === 0 && !mayBeEmpty) {
    await staged.discard();
    // GOV.UK Asset Manager's wording (reference section 3), which its clients show to people.
    throw new ValidationFailed(["File can't be blank"]);
  }
  return { ...(await staged.keep()), head: staged.head };
}

/** Streams a file into the blob store's staging area, to be stored by `storeFile` or discarded. */
export function stageFile(ctx: RequestContext, stream: Readable): Promise<StagedBlob> {
  return ctx.blobStore.stage(stream, { maxBytes: ctx.config.maxUploadBytes });
}
