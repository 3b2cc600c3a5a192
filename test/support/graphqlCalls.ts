import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { eventually, type GraphqlResponse, type TestServer } from './testServer.js';

/** A folder of its own for each test, so that what a test sees is only what it made. */
export const freshFolder = (under = '/tests') => `${under}/${randomUUID()}`;

/** The data of a request that must succeed; its errors otherwise. */
export async function dataOf<T = any>(
  api: TestServer,
  query: string,
  variables: Record<string, unknown>,
  token: string,
): Promise<T> {
  const result = await api.graphql<T>(query, variables, { token });
  if (!result.data || result.errors) throw new Error(`request failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** The extensions.code of the first error of an answer that must be a refusal; fails the test otherwise. */
export function codeOf(result: Pick<GraphqlResponse<unknown>, 'data' | 'errors'>): unknown {
  expect(result.errors?.length, `expected an error, got ${JSON.stringify(result.data)}`).toBeGreaterThan(0);
  return result.errors?.[0]?.extensions?.code;
}

/** The extensions.code of a request that must be refused. */
export async function errorCodeOf(
  api: TestServer,
  query: string,
  variables: Record<string, unknown>,
  token: string,
): Promise<unknown> {
  return codeOf(await api.graphql(query, variables, { token }));
}

/** What to upload: a random name and content unless given, UploadAssetInput, and the answer's fields. */
export interface UploadRequest {
  name?: string;
  content?: string | Uint8Array;
  input?: Record<string, unknown>;
  /** The selection of uploadAsset's answer; `id name` unless given. */
  fields?: string;
}

/** Uploads one file by GraphQL's uploadAsset as `token` and answers the selected fields; a refusal fails the test. */
export async function uploadAs<T = { id: string; name: string }>(
  api: TestServer,
  token: string,
  {
    name = `file-${randomUUID().slice(0, 8)}.txt`,
    content = `content ${randomUUID()}`,
    input = {},
    fields = 'id name',
  }: UploadRequest = {},
): Promise<T> {
  const result = await api.upload<{ uploadAsset: T }>(
    `mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { ${fields} } }`,
    { input },
    { name, content },
    { token },
  );
  if (!result.data?.uploadAsset) throw new Error(`upload of ${name} failed: ${JSON.stringify(result.errors)}`);
  return result.data.uploadAsset;
}

export interface UploadedAsset {
  id: string;
  name: string;
  folderPath: string;
  sha256: string;
}

/** Uploads a small text file into `folderPath`. */
export function uploadInto(
  api: TestServer,
  token: string,
  folderPath: string,
  name = 'file.txt',
  content = `content ${randomUUID()}`,
): Promise<UploadedAsset> {
  return uploadAs<UploadedAsset>(api, token, {
    name,
    content,
    input: { folderPath },
    fields: 'id name folderPath sha256',
  });
}

export interface UploadedFile {
  id: string;
  name: string;
  /** folderPath/name as uploaded. */
  path: string;
  content: string;
}

/** Uploads a small text file into `folderPath`, under a random name and with random content unless given. */
export async function uploadFile(
  api: TestServer,
  token: string,
  folderPath: string,
  {
    name = `file-${randomUUID().slice(0, 8)}.txt`,
    content = `content ${randomUUID()}`,
    metadata = {},
  }: { name?: string; content?: string; metadata?: Record<string, unknown> } = {},
): Promise<UploadedFile> {
  const asset = await uploadAs(api, token, { name, content, input: { folderPath, metadata } });
  return { id: asset.id, name: asset.name, path: `${folderPath}/${asset.name}`, content };
}

/** How many assets exist, deleted ones included, as `token` (an admin's) sees them. */
export async function assetCount(api: TestServer, token: string): Promise<number> {
  const data = await dataOf(api, 'query { assets(first: 0, includeDeleted: true) { totalCount } }', {}, token);
  return data.assets.totalCount;
}

/** Waits until the asset's state is UPLOADED (its scan has passed). */
export async function untilUploaded(api: TestServer, token: string, id: string): Promise<void> {
  await eventually(async () => {
    const result = await api.graphql<{ asset: { state: string } }>(
      'query($id: ID!) { asset(id: $id) { state } }',
      { id },
      { token },
    );
    return result.data?.asset.state === 'UPLOADED' ? true : undefined;
  });
}

/** An auth key valid for a day on `assetIds`, with the given download rights. */
export async function authKeyFor(
  api: TestServer,
  token: string,
  subject: string,
  assetIds: string[],
  rights: { downloadPreview: boolean; downloadOriginal: boolean },
): Promise<string> {
  const validUntil = new Date(Date.now() + 86_400_000).toISOString();
  const data = await dataOf(
    api,
    'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }',
    { input: { subject, validUntil, assetIds, ...rights } },
    token,
  );
  return data.createAuthKey.key;
}

/** A path with each problem checkedFolderPath refuses. */
export const BAD_PATHS: [problem: string, path: string][] = [
  ['a ".." segment', '/a/../b'],
  ['an empty segment', '/a//b'],
  ['a control character', '/a/b\u0007c'],
  ['no leading "/"', 'a/b'],
];

export interface AssetDetails {
  id: string;
  name: string;
  folderPath: string;
  assetPath: string;
  sha256: string;
  state: string;
  deleted: boolean;
  deletedAt: string | null;
  modifiedAt: string;
  modifiedBy: { username: string } | null;
  versions: { versionNumber: number; sha256: string }[];
  history: { action: string; details: any }[];
}

const ASSET = `query($id: ID!) { asset(id: $id) {
  id name folderPath assetPath sha256 state deleted deletedAt modifiedAt modifiedBy { username }
  versions { versionNumber sha256 } history { action details }
} }`;

export async function assetById(api: TestServer, token: string, id: string): Promise<AssetDetails> {
  return (await dataOf(api, ASSET, { id }, token)).asset;
}

const LIST = `query($folderPath: String, $includeDeleted: Boolean) {
  assets(first: 500, folderPath: $folderPath, includeDeleted: $includeDeleted) { edges { node { id deleted } } }
}`;

/** The assets directly in a folder: id and whether deleted. */
export async function assetsIn(
  api: TestServer,
  token: string,
  folderPath: string,
  includeDeleted = false,
): Promise<{ id: string; deleted: boolean }[]> {
  const data = await dataOf(api, LIST, { folderPath, includeDeleted }, token);
  return data.assets.edges.map((edge: { node: { id: string; deleted: boolean } }) => edge.node);
}

export async function folderExists(api: TestServer, token: string, path: string): Promise<boolean> {
  const data = await dataOf(api, 'query($path: String!) { folder(path: $path) { path } }', { path }, token);
  return data.folder !== null;
}

export async function createFolder(api: TestServer, token: string, path: string): Promise<void> {
  await dataOf(api, 'mutation($path: String!) { createFolder(path: $path) { status } }', { path }, token);
}
