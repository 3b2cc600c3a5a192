import type { RequestContext } from '../../context.js';
import type { Folder } from '../../db/entities/Folder.js';
import { BadInput } from '../../errors.js';
import type { RequestUrl } from '../../http/requestUrl.js';
import type { RouteCall } from '../../http/route.js';
import {
  createFolderRecord,
  folderRecordById,
  folderRecordByPath,
  removeFolderRecord,
  updateFolderMetadata,
} from '../../resolvers/folders/folderRecords.js';
import { searchFolders } from '../../resolvers/folders/folderSearch.js';
import { childFolderCount, childFolders } from '../../resolvers/folders/folders.js';
import { lastSegmentOf, ROOT } from '../../resolvers/folders/folderTree.js';
import { readJsonBody } from '../formBody.js';
import { type ApiAnswer, apiRoute } from '../woodwing-api/apiRoute.js';
import { folderPermissionsOf, metadataToReturn } from './hits.js';

const DEFAULT_LIST_SIZE = 10;
const MAX_LIST_SIZE = 1000;

/** A folder as WoodWing's /api/folder answers it; `fields` limits the metadata (`all` or none: every field). */
function folderJson(
  ctx: RequestContext,
  folder: Pick<Folder, 'path' | 'metadata'> & { id: string | null },
  fields?: string[],
) {
  return {
    id: folder.id,
    name: lastSegmentOf(folder.path),
    path: folder.path,
    permissions: folderPermissionsOf(ctx),
    metadata: metadataToReturn(folder.metadata ?? {}, fields),
  };
}

/** A whole number parameter of at least `min`; `fallback` when absent. */
function wholeNumber(url: RequestUrl, name: string, fallback: number, min: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new BadInput(`${name} must be a whole number of at least ${min}`);
  return Number(raw);
}

/** `from`, `size` and `metadataToReturn` of a list or search. */
function pageOf(url: RequestUrl) {
  const from = wholeNumber(url, 'from', 0, 0);
  const size = Math.min(wholeNumber(url, 'size', DEFAULT_LIST_SIZE, 1), MAX_LIST_SIZE);
  const fields = url.searchParams
    .get('metadataToReturn')
    ?.split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  return { from, size, fields };
}

/** The folders directly inside folder `id` (the root without one), a page of them, with how many there are. */
async function folderList(ctx: RequestContext, url: RequestUrl) {
  const id = url.searchParams.get('id');
  const { from, size, fields } = pageOf(url);
  const parent = id ? (await folderRecordById(ctx, id)).path : ROOT;
  const children = await childFolders(ctx, parent, { offset: from, limit: size });
  return {
    folders: children.map((child) => folderJson(ctx, child, fields)),
    total: await childFolderCount(ctx, parent),
  };
}

/** The JSON object of the body; `{}` when there is none. */
async function bodyObject({ req, res }: RouteCall): Promise<Record<string, unknown>> {
  const body = (await readJsonBody(req, res)) ?? {};
  if (typeof body !== 'object' || Array.isArray(body) || body === null) {
    throw new BadInput('The body must be a JSON object, e.g. {"path": "/Photos", "metadata": {}}');
  }
  return body as Record<string, unknown>;
}

type Answer = ApiAnswer;

async function createFolder(ctx: RequestContext, call: RouteCall): Promise<Answer> {
  const { path, metadata } = await bodyObject(call);
  if (typeof path !== 'string' || path === '') throw new BadInput('path is required: the folder to create');
  return { status: 201, body: folderJson(ctx, await createFolderRecord(ctx, path, metadata)) };
}

async function listFolders(ctx: RequestContext, { url }: RouteCall): Promise<Answer> {
  return { status: 200, body: await folderList(ctx, url) };
}

/**
 * The folders a query finds (`q`, every folder when empty), answered as a list is. The Postman collection
 * sends it as a GET; other clients POST it, with the same query-string parameters.
 */
async function folderSearch(ctx: RequestContext, { url }: RouteCall): Promise<Answer> {
  const { from, size, fields } = pageOf(url);
  const found = await searchFolders(ctx, url.searchParams.get('q') ?? '', { from, size });
  return {
    status: 200,
    body: { folders: found.folders.map((folder) => folderJson(ctx, folder, fields)), total: found.total },
  };
}

async function getFolderByPath(ctx: RequestContext, { url }: RouteCall): Promise<Answer> {
  const path = url.searchParams.get('path');
  if (!path) throw new BadInput('path is required: the folder to read');
  return { status: 200, body: folderJson(ctx, await folderRecordByPath(ctx, path)) };
}

// Ids never need encoding: one that did is no id.
async function getFolder(ctx: RequestContext, { params }: RouteCall): Promise<Answer> {
  return { status: 200, body: folderJson(ctx, await folderRecordById(ctx, params.id ?? '')) };
}

async function updateFolder(ctx: RequestContext, call: RouteCall): Promise<Answer> {
  const { metadata } = await bodyObject(call);
  return { status: 200, body: folderJson(ctx, await updateFolderMetadata(ctx, call.params.id ?? '', metadata ?? {})) };
}

async function removeFolder(ctx: RequestContext, { params }: RouteCall): Promise<Answer> {
  await removeFolderRecord(ctx, params.id ?? '');
  return { status: 200, body: {} };
}

/**
 * WoodWing's v2 folder API: `POST /api/folder` {path, metadata} (201), `GET /api/folder/get?path=`,
 * `GET /api/folder/list?id=&from=&size=&metadataToReturn=`, `GET`/`POST /api/folder/search?q=` (same paging),
 * `GET`/`PUT`/`DELETE /api/folder/<id>`, JSON in and out, errors as /services answers them.
 */
export const folderApiRoutes = {
  create: apiRoute(createFolder),
  list: apiRoute(listFolders),
  search: apiRoute(folderSearch),
  getByPath: apiRoute(getFolderByPath),
  get: apiRoute(getFolder),
  update: apiRoute(updateFolder),
  remove: apiRoute(removeFolder),
};
