import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { ValidationFailed } from '../../errors.js';
import type { AssetFieldsInput } from './assetFields.js';
import { assertMayUpload, insertAsset } from './assets.js';
import type { IncomingFile } from './files.js';
import { assertLegacyPathFree, checkedLegacyPath } from './legacyPaths.js';

export interface LegacyFields {
  urlPath?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

function checkedDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ValidationFailed(['Legacy last modified is not a date']);
  return date;
}

/**
 * GOV.UK's former `POST /whitehall_assets` (seed 004): an asset served at a legacy path. The path is unique
 * among the assets that are not deleted, as Asset Manager's WhitehallAsset validates it (reference section 3):
 * while one holds it, another is refused with 422, whoever holds it; delete the holder first to replace it.
 */
export async function createWhitehallAsset(
  ctx: RequestContext,
  file: IncomingFile | null,
  input: AssetFieldsInput,
  legacy: LegacyFields,
): Promise<Asset> {
  const owner = assertMayUpload(ctx);
  const urlPath = checkedLegacyPath(legacy.urlPath);
  const lastModified = checkedDate(legacy.lastModified);
  if (!file) throw new ValidationFailed(["File can't be blank"]);
  await assertLegacyPathFree(ctx, urlPath);
  return insertAsset(ctx, file, input, owner, {
    legacy: { urlPath, etag: legacy.etag || null, lastModified },
    historyDetails: { legacyUrlPath: urlPath },
  });
}
