import { randomUUID } from 'node:crypto';
import { dataOf, uploadAs } from './graphqlCalls.js';
import { pictureOf, untilRendered } from './renditionCalls.js';
import type { TestServer } from './testServer.js';

const CREATE_KEY = 'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { id key } }';
const CREATE_PRESET = 'mutation($input: CreateDownloadPresetInput!) { createDownloadPreset(input: $input) { id } }';
const CREATE_COLLECTION = 'mutation($input: CreateCollectionInput!) { createCollection(input: $input) { id } }';
const ADD = 'mutation($c: ID!, $ids: [ID!]!) { addToCollection(collectionId: $c, assetIds: $ids) }';

export const inADay = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();

/** A shared link made by `token`'s user: its id and its key. */
export async function createKey(
  api: TestServer,
  token: string,
  input: Record<string, unknown>,
): Promise<{ id: string; key: string }> {
  const data = await dataOf(
    api,
    CREATE_KEY,
    { input: { subject: 'For review', validUntil: inADay(), ...input } },
    token,
  );
  return data.createAuthKey;
}

/** A JPEG uploaded by `token`'s user, its thumbnail and preview made: its id, name and bytes. */
export async function uploadPicture(
  api: TestServer,
  token: string,
  name = `photo-${randomUUID().slice(0, 8)}.jpg`,
): Promise<{ id: string; name: string; bytes: Buffer }> {
  const bytes = await pictureOf(640, 480);
  const asset = await uploadAs(api, token, { name, content: bytes });
  await untilRendered(api, token, asset.id);
  return { id: asset.id, name: asset.name, bytes };
}

/** A download preset made by an admin. */
export async function createPreset(api: TestServer, name: string, width = 120): Promise<string> {
  const input = { name, width, height: width, format: 'png' };
  return (await dataOf(api, CREATE_PRESET, { input }, await api.adminToken())).createDownloadPreset.id;
}

/** A collection holding the given assets. */
export async function collectionOf(api: TestServer, token: string, name: string, ids: string[]): Promise<string> {
  const { id } = (await dataOf(api, CREATE_COLLECTION, { input: { name } }, token)).createCollection;
  await dataOf(api, ADD, { c: id, ids }, token);
  return id;
}

/** The shared-link page of a key, as a browser without a login asks for it. */
export function pageOf(api: TestServer, query: string): Promise<Response> {
  return fetch(`${api.url}/?${query}`, { redirect: 'manual' });
}

/** The page's file URLs (img src and link href) that carry the key, made absolute. */
export function fileUrlsIn(api: TestServer, page: string): string[] {
  return [...page.matchAll(/(?:src|href)="((?:file|preview|thumbnail)\/[^"]+)"/g)].map(
    (match) => `${api.url}/${(match[1] ?? '').replaceAll('&amp;', '&')}`,
  );
}
