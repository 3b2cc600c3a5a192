import type { Metadata } from '../../db/entities/Asset.js';
import { BadInput } from '../../errors.js';
import type { WoodwingParams } from './params.js';

/**
 * `metadata` as a JSON object, and every other parameter as a field of its own (`<anyField>=value`), except
 * the call's own parameters and `_`, the cache-buster some clients add.
 */
export function metadataOf(params: WoodwingParams, callParams: readonly string[]): Metadata {
  const reserved = new Set([...callParams, 'metadata', '_']);
  const fields: Metadata = {};
  const json = params.string('metadata');
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new BadInput('metadata must be a JSON object, e.g. {"tags":["sea"]}');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new BadInput('metadata must be a JSON object');
    Object.assign(fields, parsed);
  }
  for (const name of params.names()) {
    const value = params.string(name);
    if (!reserved.has(name) && value !== undefined) fields[name] = value;
  }
  return fields;
}
