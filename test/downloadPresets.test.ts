import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

interface PresetView {
  id: string;
  name: string;
  width: number | null;
  height: number | null;
  format: string;
}

const PRESET = 'id name width height format';
const CREATE = `mutation($input: CreateDownloadPresetInput!) { createDownloadPreset(input: $input) { ${PRESET} } }`;
const LIST = `query { downloadPresets { ${PRESET} } }`;
const CREATE_AUTH_KEY = `mutation($input: CreateAuthKeyInput!) {
  createAuthKey(input: $input) { key downloadPresets { ${PRESET} } }
}`;
const GET_AUTH_KEY = `query($key: String!) { authKey(key: $key) { downloadPresets { ${PRESET} } } }`;

let api: TestServer;
let admin: string;

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
});
afterAll(() => api.close());

const uniqueName = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;

function createRaw(input: Record<string, unknown>, token = admin) {
  return api.graphql<{ createDownloadPreset: PresetView }>(CREATE, { input }, { token });
}

async function create(input: Record<string, unknown>): Promise<PresetView> {
  const result = await createRaw(input);
  if (!result.data?.createDownloadPreset)
    throw new Error(`createDownloadPreset failed: ${JSON.stringify(result.errors)}`);
  return result.data.createDownloadPreset;
}

describe('createDownloadPreset', () => {
  it('stores name, width, height and format', async () => {
    const name = uniqueName('Web large');
    const preset = await create({ name, width: 1920, height: 1080, format: 'webp' });
    expect(preset).toMatchObject({ name, width: 1920, height: 1080, format: 'webp' });
    expect(preset.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('lists the new preset in downloadPresets', async () => {
    const preset = await create({ name: uniqueName('Thumbnail'), width: 200, height: 200, format: 'png' });
    const result = await api.graphql<{ downloadPresets: PresetView[] }>(LIST, {}, { token: admin });
    expect(result.data?.downloadPresets).toContainEqual(preset);
  });

  it('refuses a non-admin with FORBIDDEN', async () => {
    const editor = await api.createUser('EDITOR');
    const result = await createRaw({ name: uniqueName('Sneaky'), width: 100, format: 'jpeg' }, editor.token);
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it('refuses a duplicate name with CONFLICT', async () => {
    const name = uniqueName('Print');
    await create({ name, width: 3000, format: 'tiff' });
    expect(codeOf(await createRaw({ name, width: 1000, format: 'jpeg' }))).toBe('CONFLICT');
  });

  it('answers CONFLICT, never an internal error, to all but one of 10 simultaneous presets of one name', async () => {
    const name = uniqueName('Raced');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createRaw({ name, width: 100 + i, format: 'png' })),
    );
    const codes = results.map((result) => (result.data?.createDownloadPreset ? 'OK' : codeOf(result)));
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(9);
  });

  it.each([
    ["format 'bmp'", { width: 100, format: 'bmp' }],
    ['width 0', { width: 0, format: 'png' }],
    ['width -5', { width: -5, format: 'png' }],
    ['height 0', { height: 0, format: 'png' }],
  ])('refuses %s with BAD_USER_INPUT', async (_problem, input) => {
    expect(codeOf(await createRaw({ name: uniqueName('Refused'), ...input }))).toBe('BAD_USER_INPUT');
  });
});

describe('download presets on shared links', () => {
  it('lets a key name an existing preset in downloadPresetIds, and AuthKey.downloadPresets lists it', async () => {
    const preset = await create({ name: uniqueName('Social'), width: 1080, height: 1080, format: 'jpeg' });
    const { id: assetId } = await uploadAs(api, admin, { name: 'photo.txt', content: 'a photo' });
    const created = await api.graphql<{ createAuthKey: { key: string; downloadPresets: PresetView[] } }>(
      CREATE_AUTH_KEY,
      {
        input: {
          subject: 'With renditions',
          validUntil: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
          assetIds: [assetId],
          downloadPresetIds: [preset.id],
        },
      },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createAuthKey.downloadPresets).toEqual([preset]);
    const key = created.data?.createAuthKey.key;
    const fetched = await api.graphql<{ authKey: { downloadPresets: PresetView[] } }>(
      GET_AUTH_KEY,
      { key },
      { token: admin },
    );
    expect(fetched.data?.authKey.downloadPresets).toEqual([preset]);
  });
});
