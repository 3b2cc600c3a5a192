import type { RequestContext } from '../../context.js';
import type { Asset, Metadata } from '../../db/entities/Asset.js';
import { BadInput } from '../../errors.js';
import { isWellFormedId } from '../../ids.js';
import { isValidContentType } from './files.js';

/** The fields a client may set on an asset, on upload and on update alike. */
export interface AssetFieldsInput {
  name?: string | null;
  folderPath?: string | null;
  metadata?: unknown;
  contentType?: string | null;
  draft?: boolean | null;
  redirectUrl?: string | null;
  replacementId?: string | null;
  parentDocumentUrl?: string | null;
  accessLimitedUserIds?: readonly string[] | null;
  accessLimitedOrganisationIds?: readonly string[] | null;
  authBypassIds?: readonly string[] | null;
}

const MAX_METADATA_BYTES = 256 * 1024;
const MAX_FIELD_NAME_LENGTH = 128;
const MAX_LIST_LENGTH = 1000;
const MAX_LIST_ITEM_LENGTH = 256;

/** A metadata object, as sent; `null` values are kept, to mean "remove" when merged. */
export function checkedMetadata(value: unknown): Metadata {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadInput('metadata must be a JSON object of field names to values, e.g. {"title": "Harbour at dawn"}');
  }
  for (const key of Object.keys(value)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
    if (key === '' || key.length > MAX_FIELD_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(key)) {
      throw new BadInput(
        `Invalid metadata field name ${JSON.stringify(key)}: use 1 to ${MAX_FIELD_NAME_LENGTH} printable characters`,
      );
    }
  }
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_METADATA_BYTES) {
    throw new BadInput(`metadata is larger than ${MAX_METADATA_BYTES / 1024} KiB`);
  }
  return value as Metadata;
}

/**
 * WoodWing's multi-value fields. Its clients send them as one comma-separated string (`tags=red,blue`) as
 * often as a list, and a search by one value must find the asset either way, so they are stored as lists.
 */
const LIST_FIELDS = new Set(['tags']);

/** A list field's value as a list: a string split at commas, items trimmed, blanks and repeats dropped. */
function storedValue(field: string, value: unknown): unknown {
  if (!LIST_FIELDS.has(field) || (typeof value !== 'string' && !Array.isArray(value))) return value;
  const items = (typeof value === 'string' ? value.split(',') : value).map((item) =>
    typeof item === 'string' ? item.trim() : item,
  );
  return [...new Set(items.filter((item) => item !== ''))];
}

/**
 * Fields set to null are removed; the others replace what was there. Every write of metadata goes through
 * here, so this is where a value takes the one shape that search indexes.
 */
export function mergedMetadata(current: Metadata, changes: Metadata): Metadata {
  const merged: Metadata = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = storedValue(key, value);
  }
  return merged;
}

/**
 * WoodWing's parseMetadataModifications: `+tag` adds to a list field and `-tag` removes from it, so that a
 * client can change one item without sending the whole list; other values replace the field. A field the
 * asset does not have yet counts as an empty list for `+tag` (tagging many assets at once is the usual case).
 */
export function metadataModifications(current: Metadata, changes: Metadata): Metadata {
  const resolved: Metadata = {};
  for (const [field, value] of Object.entries(changes)) {
    const absent = current[field] === undefined || current[field] === null;
    // A value stored as a string before list fields were kept as lists counts as a one-item list.
    const held = storedValue(field, current[field]);
    const list = Array.isArray(held) ? (held as unknown[]) : null;
    if (typeof value === 'string' && absent && /^\+./.test(value)) {
      resolved[field] = [value.slice(1)];
    } else if (typeof value === 'string' && list && /^[+-]./.test(value)) {
      const item = value.slice(1);
      resolved[field] = value.startsWith('+')
        ? list.includes(item)
          ? list
          : [...list, item]
        : list.filter((existing) => existing !== item);
    } else {
      resolved[field] = value;
    }
  }
  return resolved;
}

export function checkedIdList(name: string, values: readonly string[]): string[] {
  if (values.length > MAX_LIST_LENGTH) throw new BadInput(`${name} has more than ${MAX_LIST_LENGTH} entries`);
  for (const value of values) {
    if (value.trim() === '' || value.length > MAX_LIST_ITEM_LENGTH) {
      throw new BadInput(`${name} entries must be 1 to ${MAX_LIST_ITEM_LENGTH} characters, not blank`);
    }
  }
  return [...new Set(values)];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * GOV.UK Asset Manager's model rules (reference section 3, "Validation messages"), in its own words, so
 * that its REST surface can show them as they are. Every broken rule is reported, not just the first.
 */
export async function validationMessages(
  ctx: RequestContext,
  asset: Pick<Asset, 'id' | 'draft' | 'redirectUrl' | 'replacement' | 'parentDocumentUrl'>,
  changes: { draft?: boolean; contentType?: string | null; replacementId?: string | null },
  draftBefore: boolean,
): Promise<string[]> {
  const messages: string[] = [];
  if (changes.contentType && !isValidContentType(changes.contentType)) {
    messages.push('Content type must match the format defined in rfc6838');
  }
  if (changes.replacementId) {
    const found =
      isWellFormedId(changes.replacementId) &&
      changes.replacementId !== asset.id &&
      (await ctx.loaders.assetById.load(changes.replacementId)) !== null;
    if (!found) messages.push('Replacement not found');
  }
  if (asset.draft && !draftBefore) {
    if (asset.replacement) messages.push('Draft cannot be true, because already replaced');
    if (asset.redirectUrl) messages.push('Draft cannot be true, because already redirected');
  }
  const parent = asset.parentDocumentUrl;
  if (parent) {
    if (!isHttpUrl(parent)) messages.push('Parent document url must be an http(s) URL');
    else if (new URL(parent).hostname.startsWith('draft-origin') && !asset.draft) {
      messages.push('Parent document url must be a public GOV.UK URL');
    }
  }
  return messages;
}

/** A blank string means "none", as GOV.UK clients send it. */
export function blankToNull(value: string | null | undefined): string | null | undefined {
  return value === undefined ? undefined : value === null || value.trim() === '' ? null : value;
}
