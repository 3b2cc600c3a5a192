import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { RequestContext } from '../../context.js';
import { BadInput } from '../../errors.js';
import type { AssetFieldsInput } from '../../resolvers/assetFields.js';
import { type IncomingFile, storeFile } from '../../resolvers/files.js';

/** The `asset[...]` parameters of a request, by name without the `asset[` `]` framing; lists keep every value. */
export interface AssetParams {
  values: Map<string, string[]>;
  file: IncomingFile | null;
}

/** Raised when the request carries no `asset` key at all (Rails' ParameterMissing: 400). */
export class AssetKeyMissing extends Error {}

const ASSET_FIELD = /^asset\[([a-z_]+)\](\[\])?$/;
const MAX_FIELDS = 200;
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_JSON_BYTES = 1024 * 1024;

function add(values: Map<string, string[]>, name: string, value: string): void {
  const list = values.get(name);
  if (list) list.push(value);
  else values.set(name, [value]);
}

/**
 * Reads a multipart or urlencoded body with busboy. The file part streams into the blob store as it
 * arrives, because fields may come after it; they are all known before any resolver decides anything.
 */
function readForm(ctx: RequestContext, req: IncomingMessage): Promise<AssetParams> {
  return new Promise((resolveOnce, rejectOnce) => {
    let settled = false;
    const resolve = (params: AssetParams) => {
      if (!settled) resolveOnce(params);
      settled = true;
    };
    const reject = (error: unknown) => {
      if (!settled) rejectOnce(error);
      settled = true;
    };
    const values = new Map<string, string[]>();
    let stored: Promise<IncomingFile> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Clients send file names in UTF-8 (curl, fetch, rest-client), not busboy's default latin1.
        defParamCharset: 'utf8',
        limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fileSize: ctx.config.maxUploadBytes + 1 },
      });
    } catch {
      reject(new BadInput('The body is not a form: send multipart/form-data or application/x-www-form-urlencoded'));
      return;
    }
    parser.on('field', (name, value) => {
      const match = ASSET_FIELD.exec(name);
      if (match?.[1]) add(values, match[1], value);
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'asset[file]' || stored) {
        stream.resume();
        return;
      }
      const file = { filename: info.filename ?? '', stream };
      stored = storeFile(ctx, file).then((blob) => ({ filename: file.filename, blob }));
      // A failed store destroys busboy's file stream, after which busboy never finishes: answer now.
      stored.catch((error: unknown) => {
        req.unpipe(parser);
        req.resume();
        reject(error);
      });
    });
    parser.once('error', (error) => reject(new BadInput(`The form cannot be read: ${(error as Error).message}`)));
    parser.once('close', () => {
      const file = stored;
      if (file) file.then((incoming) => resolve({ values, file: incoming }), reject);
      else resolve({ values, file: null });
    });
    req.once('aborted', () => reject(new BadInput('The request was cut off')));
    req.pipe(parser);
  });
}

async function readJson(req: IncomingMessage): Promise<AssetParams> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_JSON_BYTES) throw new BadInput('The JSON body is larger than 1 MiB');
  }
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadInput('The body is not valid JSON');
  }
  const asset = (body as { asset?: unknown } | null)?.asset;
  const values = new Map<string, string[]>();
  if (asset && typeof asset === 'object' && !Array.isArray(asset)) {
    for (const [name, value] of Object.entries(asset)) {
      if (Array.isArray(value)) values.set(name, value.map(String));
      else if (value !== null && typeof value !== 'object') values.set(name, [String(value)]);
    }
  }
  return { values, file: null };
}

export async function readAssetParams(ctx: RequestContext, req: IncomingMessage): Promise<AssetParams> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const params = type.startsWith('application/json') ? await readJson(req) : await readForm(ctx, req);
  if (params.values.size === 0 && !params.file) throw new AssetKeyMissing();
  return params;
}

const single = (params: AssetParams, name: string) => params.values.get(name)?.at(-1);

/** A list parameter; `""` (what rest-client sends for an empty array) is the empty list. */
function list(params: AssetParams, ...names: string[]): string[] | undefined {
  for (const name of names) {
    const values = params.values.get(name);
    if (values) return values.filter((value) => value !== '');
  }
  return undefined;
}

/** Mongoid's Boolean cast of a form value. */
function booleanOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return ['true', '1', 't', 'yes', 'on'].includes(value.toLowerCase());
}

/** The permitted parameters (reference section 3) as resolver input; anything else is ignored. */
export function assetFieldsOf(params: AssetParams): AssetFieldsInput {
  return {
    draft: booleanOf(single(params, 'draft')),
    redirectUrl: single(params, 'redirect_url'),
    replacementId: single(params, 'replacement_id'),
    parentDocumentUrl: single(params, 'parent_document_url'),
    contentType: single(params, 'content_type'),
    // access_limited_user_ids is the 2019 alias of access_limited.
    accessLimitedUserIds: list(params, 'access_limited', 'access_limited_user_ids'),
    accessLimitedOrganisationIds: list(params, 'access_limited_organisation_ids'),
    authBypassIds: list(params, 'auth_bypass_ids'),
  };
}

export function legacyFieldsOf(params: AssetParams) {
  return {
    urlPath: single(params, 'legacy_url_path'),
    etag: single(params, 'legacy_etag'),
    lastModified: single(params, 'legacy_last_modified'),
  };
}
