import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

/**
 * What the one route table (src/routes.ts) guarantees on every surface: the methods each path takes, the
 * 405 with Allow for the others in the surface's own dialect, its 404 for unknown paths, and HEAD wherever GET.
 */

let api: TestServer;
let token: string;
beforeAll(async () => {
  api = await startTestServer();
  token = await api.adminToken();
});
afterAll(() => api.close());

const ID = 'A'.repeat(22);
const NF = { _response_info: { status: 'not found' } };

/** A request with its target as written, not normalised by fetch (dot segments stay, the absolute form too). */
function raw(method: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const send = (method: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${api.url}${path}`, { method, headers, redirect: 'manual' });

// [path, a method it does not take, the Allow it answers with]
const WOODWING_ROUTES: [string, string, string][] = [
  ['/services/ping', 'PUT', 'GET, POST'],
  ['/services/login', 'GET', 'POST'],
  ['/services/apilogin', 'GET', 'POST'],
  ['/services/logout', 'GET', 'POST'],
  ['/services/profile', 'DELETE', 'GET, POST'],
  ['/services/messages', 'PUT', 'GET, POST'],
  ['/services/search', 'DELETE', 'GET, POST'],
  ['/services/browse', 'PUT', 'GET, POST'],
  ['/services/create', 'GET', 'POST'],
  ['/services/update', 'GET', 'POST'],
  ['/services/version/promote', 'GET', 'POST'],
  [`/services/checkout/${ID}`, 'GET', 'POST'],
  [`/services/undocheckout/${ID}`, 'GET', 'POST'],
  ['/services/asset/history', 'PUT', 'GET, POST'],
  ['/services/logUsage', 'GET', 'POST'],
  ['/services/createFolder', 'GET', 'POST'],
  ['/services/createRelation', 'GET', 'POST'],
  ['/services/removeRelation', 'GET', 'POST'],
  ['/services/collection/add', 'GET', 'POST'],
  ['/services/collection/remove', 'GET', 'POST'],
  ['/services/remove', 'GET', 'POST'],
  ['/services/updatebulk', 'GET', 'POST'],
  ['/services/copy', 'GET', 'POST'],
  ['/services/move', 'GET', 'POST'],
  ['/services/process/info', 'PUT', 'GET, POST'],
  ['/services/process/cancel', 'GET', 'POST'],
  ['/services/createAuthKey', 'GET', 'POST'],
  ['/services/updateAuthKey', 'GET', 'POST'],
  ['/services/revokeAuthKeys', 'GET', 'POST'],
  ['/api/folder', 'GET', 'POST'],
  ['/api/folder/get', 'PUT', 'GET'],
  ['/api/folder/list', 'DELETE', 'GET'],
  [`/api/folder/${ID}`, 'POST', 'GET, PUT, DELETE'],
  [`/file/${ID}/*/x.txt`, 'POST', 'GET'],
  [`/preview/${ID}/*/x.png`, 'POST', 'GET'],
  [`/thumbnail/${ID}/*/x.png`, 'POST', 'GET'],
  ['/zip/photos.zip', 'PUT', 'GET, POST'],
];

const ASSET_MANAGER_ROUTES: [string, string, string][] = [
  ['/assets', 'GET', 'POST'],
  ['/whitehall_assets', 'GET', 'POST'],
  [`/assets/${ID}`, 'POST', 'GET, PUT, PATCH, DELETE'],
  [`/assets/${ID}/restore`, 'GET', 'POST'],
  [`/media/${ID}/x.txt`, 'POST', 'GET'],
  ['/government/uploads/system/x.pdf', 'DELETE', 'GET'],
];

describe('a method a path does not take', () => {
  it.each(
    WOODWING_ROUTES,
  )('%s refuses %s with 405, Allow: %s and WoodWing’s error body', async (path, method, allow) => {
    const response = await send(method, path, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(await response.json()).toEqual({
      errorname: 'HttpRequestMethodNotSupportedException',
      message: `Request method '${method}' is not supported`,
      errorcode: 405,
    });
  });

  it.each(ASSET_MANAGER_ROUTES)('%s answers %s with Rails’ 404 NF, Allow: %s', async (path, method, allow) => {
    const response = await send(method, path, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBe(allow);
    expect(await response.json()).toEqual(NF);
  });

  it.each([
    ['/healthcheck/live', 'POST'],
    ['/healthcheck/ready', 'DELETE'],
  ])('%s refuses %s with 405, Allow: GET', async (path, method) => {
    const response = await send(method, path);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect((await response.json()).error).toBe('Method not allowed');
  });

  it('/graphql refuses PUT with 405 and a GraphQL error body', async () => {
    const response = await send('PUT', '/graphql');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses a method no route uses at all with the path’s 405', async () => {
    const response = await send('PROPFIND', '/services/search');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('refuses before asking who is calling: 405 without a login too', async () => {
    const response = await send('GET', '/services/create');
    expect(response.status).toBe(405);
  });
});

describe('an unknown path', () => {
  it('outside every surface gets the JSON 404 that points to /graphql', async () => {
    const response = await send('GET', '/no-such-thing');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'Not found',
      message: 'Nothing is served at /no-such-thing; GraphQL is at /graphql',
    });
  });

  it.each([
    '/services/nothing',
    '/services/search/extra',
    `/api/folder/${ID}/more`,
    `/file/${ID}`,
  ])('%s gets WoodWing’s 404 body', async (path) => {
    const response = await send('GET', path, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errorname: 'NotFoundException', errorcode: 404 });
  });

  it.each([`/assets/${ID}/x`, `/media/${ID}`, '/government/uploads/'])('%s gets Rails’ 404 NF', async (path) => {
    const response = await send('GET', path, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('with a segment that is not valid percent-encoding stays its surface’s 404', async () => {
    const response = await send('POST', '/services/%FF', { authorization: `Bearer ${token}` });
    expect(response.status).toBe(404);
    expect((await response.json()).errorname).toBe('NotFoundException');
  });

  it('is matched with its case: /Services/ping is nobody’s', async () => {
    const response = await send('GET', '/Services/ping');
    expect(response.status).toBe(404);
    expect((await response.json()).error).toBe('Not found');
  });
});

describe('HEAD', () => {
  it.each([
    '/healthcheck/live',
    '/services/ping',
    '/services/profile',
    '/api/folder/list',
    `/assets/${ID}`,
    `/media/${ID}/x.txt`,
  ])('answers %s with the status and type GET gets, and no body', async (path) => {
    const headers = { authorization: `Bearer ${token}` };
    const get = await send('GET', path, headers);
    const head = await send('HEAD', path, headers);
    expect({ status: head.status, type: head.headers.get('content-type') }).toEqual({
      status: get.status,
      type: get.headers.get('content-type'),
    });
    expect(await head.text()).toBe('');
  });

  it('is not answered on /graphql, which GraphQL over HTTP gives no HEAD', async () => {
    const response = await send('HEAD', '/graphql');
    expect(response.status).toBe(405);
  });
});

describe('the path as written', () => {
  it('answers a WoodWing service with a trailing slash as without', async () => {
    const response = await send('GET', '/services/ping/');
    expect(response.status).toBe(200);
    expect((await response.json()).state).toBe('running');
  });

  it('leaves a GOV.UK path with a trailing slash unrouted, as Rails’ routes here did', async () => {
    const response = await send('GET', `/assets/${ID}/`, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('routes a request in absolute form by its path', async () => {
    const response = await raw('GET', 'http://gateway.example/healthcheck/live');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });

  it('resolves dot segments before routing', async () => {
    const response = await raw('GET', '/services/../healthcheck/live');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });
});
