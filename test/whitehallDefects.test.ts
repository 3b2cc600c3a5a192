import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCount } from './support/graphqlCalls.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';

let api: TestServer;
let admin: string;
let contributor: TestUser;

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
  contributor = await api.createUser('CONTRIBUTOR');
});
afterAll(() => api.close());

const freshPath = () => `/government/uploads/${randomUUID()}/report.pdf`;

/** POST /whitehall_assets as GOV.UK's Whitehall sent it: asset[file] and asset[legacy_url_path]. */
async function postWhitehall(token: string, legacyUrlPath: string): Promise<{ status: number; json: any }> {
  const form = new FormData();
  form.append('asset[file]', new Blob([`bytes ${randomUUID()}`]), 'report.pdf');
  form.append('asset[legacy_url_path]', legacyUrlPath);
  const response = await fetch(`${api.url}/whitehall_assets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, json: await response.json() };
}

const idOf = (presented: { id: string }) => presented.id.split('/').pop() as string;

describe('POST /whitehall_assets at a legacy_url_path a live asset already has', () => {
  it('is refused with 422 and "Legacy url path has already been taken"', async () => {
    const path = freshPath();
    expect((await postWhitehall(contributor.token, path)).status).toBe(201);
    const second = await postWhitehall(contributor.token, path);
    expect({ status: second.status, json: second.json }).toEqual({
      status: 422,
      json: { _response_info: { status: ['Legacy url path has already been taken'] } },
    });
  });

  it('is refused to an ADMIN too', async () => {
    const path = freshPath();
    await postWhitehall(contributor.token, path);
    expect((await postWhitehall(admin, path)).status).toBe(422);
  });

  it('creates no asset', async () => {
    const path = freshPath();
    await postWhitehall(contributor.token, path);
    const before = await assetCount(api, admin);
    await postWhitehall(contributor.token, path);
    expect(await assetCount(api, admin)).toBe(before);
  });

  it('leaves the holder live', async () => {
    const path = freshPath();
    const holder = await postWhitehall(contributor.token, path);
    await postWhitehall(contributor.token, path);
    const read = await fetch(`${api.url}/assets/${idOf(holder.json)}`, {
      headers: { authorization: `Bearer ${contributor.token}` },
    });
    expect(((await read.json()) as { deleted: boolean }).deleted).toBe(false);
  });

  it('is accepted with 201 once the holder is deleted', async () => {
    const path = freshPath();
    const holder = await postWhitehall(contributor.token, path);
    const removed = await fetch(`${api.url}/assets/${idOf(holder.json)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${contributor.token}` },
    });
    await removed.arrayBuffer();
    expect((await postWhitehall(contributor.token, path)).status).toBe(201);
  });
});
