import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { AssetFieldsInput } from '../../resolvers/assets/assetFields.js';
import type { IncomingFile } from '../../resolvers/assets/files.js';
import { addJsonFields, addValue, readForm, readJsonBody } from '../formBody.js';

/** The `asset[...]` parameters of a request, by name without the `asset[` `]` framing; lists keep every value. */
export interface AssetParams {
  values: Map<string, string[]>;
  file: IncomingFile | null;
}

/** Raised when the request carries no `asset` key at all (Rails' ParameterMissing: 400). */
export class AssetKeyMissing extends Error {}

const ASSET_FIELD = /^asset\[([a-z_]+)\](\[\])?$/;

export async function readAssetParams(
  ctx: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<AssetParams> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  let params: AssetParams;
  if (type.startsWith('application/json')) {
    const values = new Map<string, string[]>();
    addJsonFields(values, ((await readJsonBody(req, res)) as { asset?: unknown } | undefined)?.asset);
    params = { values, file: null };
  } else {
    const values = new Map<string, string[]>();
    const file = await readForm(ctx, req, res, 'asset[file]', (name, value) => {
      const match = ASSET_FIELD.exec(name);
      if (match?.[1]) addValue(values, match[1], value);
    });
    params = { values, file };
  }
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
