import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, ENCODINGS, expectError, type Params, postServices } from './support/woodwingCalls.js';

/* WoodWing's /services/messages (reference section 3, case 43 of section 8): its clients' labels. */

let api: TestServer;
let token: string;

beforeAll(async () => {
  api = await startTestServer();
  token = (await api.createUser('VIEWER')).token;
});
afterAll(() => api.close());

function get(params: Params = {}, headers: Record<string, string> = bearer(token)) {
  const url = new URL(`${api.url}/services/messages`);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, String(value));
  return fetch(url, { headers });
}

describe('/services/messages', () => {
  it('answers a flat JSON object of labels, every value a string (case 43)', async () => {
    const response = await get({ localeChain: 'en_US', bundle: 'web' });
    expect(response.status).toBe(200);
    const labels = await bodyOf(response);
    expect(Object.keys(labels).length).toBeGreaterThan(10);
    for (const value of Object.values(labels)) expect(typeof value).toBe('string');
  });

  it('labels the fields of a hit as field_label.<field>', async () => {
    const labels = await bodyOf(await get());
    expect(labels['field_label.assetPath']).toBe('Path');
    expect(labels['field_label.checkedOutBy']).toBe('Checked out by');
  });

  describe.each(ENCODINGS)('POSTed with the parameters in the %s', (encoding) => {
    it('answers the same labels', async () => {
      const response = await postServices(api.url, 'messages', { localeChain: 'en_US' }, encoding, bearer(token));
      expect(await bodyOf(response)).toEqual(await bodyOf(await get()));
    });
  });

  it('answers 304 with no body for an ifModifiedSince an hour from now (case 43)', async () => {
    const response = await get({ ifModifiedSince: Date.now() + 3_600_000 });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it('answers the labels for an ifModifiedSince before they last changed', async () => {
    const response = await get({ ifModifiedSince: Date.UTC(2020, 0, 1) });
    expect(response.status).toBe(200);
    expect(response.headers.get('last-modified')).toBeTruthy();
  });

  it('answers the same labels for bundle=acm', async () => {
    expect(await bodyOf(await get({ bundle: 'acm' }))).toEqual(await bodyOf(await get()));
  });

  it('falls back to en_US for a locale it has no labels of', async () => {
    expect(await bodyOf(await get({ localeChain: 'fr_FR,nl' }))).toEqual(await bodyOf(await get()));
  });

  it('refuses ifModifiedSince that is no epoch-millisecond number with err(400)', async () => {
    await expectError(await get({ ifModifiedSince: 'yesterday' }), 400);
  });

  it('refuses bundle=nope with err(400) naming web and acm', async () => {
    const body = await expectError(await get({ bundle: 'nope' }), 400);
    expect(body.message).toContain('web or acm');
  });

  it('refuses a localeChain item that is no locale with err(400)', async () => {
    await expectError(await get({ localeChain: 'en_US,../etc' }), 400);
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await get({}, {}), 401);
  });
});
