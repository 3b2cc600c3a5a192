import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { Folder } from '../../db/entities/Folder.js';
import { BadInput } from '../../errors.js';
import {
  createFolderRecord,
  folderRecordById,
  folderRecordByPath,
  removeFolderRecord,
  updateFolderMetadata,
} from '../../resolvers/folderRecords.js';
import { lastSegmentOf } from '../../resolvers/folderTree.js';
import { readJsonBody } from '../formBody.js';
import { folderPermissionsOf } from './hits.js';
import { refusedCaller, sendDomainError, sendMethodNotAllowed, sendWoodwingJson } from './responses.js';

/** A folder as WoodWing's /api/folder answers it. */
function folderJson(ctx: RequestContext, folder: Folder) {
  return {
    id: folder.id,
    name: lastSegmentOf(folder.path),
    path: folder.path,
    permissions: folderPermissionsOf(ctx),
    metadata: folder.metadata ?? {},
  };
}

/** The JSON object of the body; `{}` when there is none. */
async function bodyObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = (await readJsonBody(req)) ?? {};
  if (typeof body !== 'object' || Array.isArray(body) || body === null) {
    throw new BadInput('The body must be a JSON object, e.g. {"path": "/Photos", "metadata": {}}');
  }
  return body as Record<string, unknown>;
}

type Answer = { status: number; body: unknown } | null;

const allowedMethods = (rest: string) => (rest === '' ? ['POST'] : rest === 'get' ? ['GET'] : ['GET', 'PUT', 'DELETE']);

async function answerOf(req: IncomingMessage, ctx: RequestContext, url: URL, rest: string): Promise<Answer> {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (rest === '') {
    if (method !== 'POST') return null;
    const { path, metadata } = await bodyObject(req);
    if (typeof path !== 'string' || path === '') throw new BadInput('path is required: the folder to create');
    return { status: 201, body: folderJson(ctx, await createFolderRecord(ctx, path, metadata)) };
  }
  if (rest === 'get') {
    if (method !== 'GET') return null;
    const path = url.searchParams.get('path');
    if (!path) throw new BadInput('path is required: the folder to read');
    return { status: 200, body: folderJson(ctx, await folderRecordByPath(ctx, path)) };
  }
  // Ids never need encoding: one that did is no id.
  const id = rest;
  switch (method) {
    case 'GET':
      return { status: 200, body: folderJson(ctx, await folderRecordById(ctx, id)) };
    case 'PUT': {
      const { metadata } = await bodyObject(req);
      return { status: 200, body: folderJson(ctx, await updateFolderMetadata(ctx, id, metadata ?? {})) };
    }
    case 'DELETE':
      await removeFolderRecord(ctx, id);
      return { status: 200, body: {} };
    default:
      return null;
  }
}

/**
 * WoodWing's v2 folder API: `POST /api/folder` {path, metadata} (201), `GET /api/folder/get?path=`,
 * `GET`/`PUT`/`DELETE /api/folder/<id>`, JSON in and out, errors as /services answers them.
 */
export async function handleApiFolder(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  url: URL,
): Promise<void> {
  const rest = url.pathname.slice('/api/folder'.length).replace(/^\//, '');
  if (refusedCaller(res, ctx, req.method !== 'GET' && req.method !== 'HEAD')) return;
  try {
    const answer = await answerOf(req, ctx, url, rest);
    if (answer) sendWoodwingJson(res, answer.status, answer.body);
    else sendMethodNotAllowed(res, req.method, allowedMethods(rest));
  } catch (error) {
    if (!sendDomainError(res, error)) throw error;
  }
}
