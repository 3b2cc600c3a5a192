import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFolder, uploadAs } from './support/graphqlCalls.js';
import { eventually, type GraphqlResponse, startTestServer, type TestServer } from './support/testServer.js';

interface AssetView {
  id: string;
  name: string;
  folderPath: string;
  assetPath: string;
  contentType: string;
  size: number;
  sha256: string;
  md5: string;
  state: string;
  draft: boolean;
  deleted: boolean;
  deletedAt: string | null;
  versionNumber: number;
  metadata: Record<string, unknown>;
  fileUrl: string;
  createdAt: string;
  modifiedAt: string;
  redirectUrl: string | null;
  parentDocumentUrl: string | null;
  accessLimitedUserIds: string[];
  accessLimitedOrganisationIds: string[];
  authBypassIds: string[];
  replacement: { id: string } | null;
  createdBy: { id: string; username: string } | null;
  modifiedBy: { id: string; username: string } | null;
  versions: { versionNumber: number; name: string; sha256: string; size: number; contentType: string }[];
  history: { action: string; username: string | null; versionNumber: number | null; details: any }[];
}

const ASSET = `
  id name folderPath assetPath contentType size sha256 md5 state draft deleted deletedAt versionNumber metadata
  fileUrl createdAt modifiedAt redirectUrl parentDocumentUrl accessLimitedUserIds accessLimitedOrganisationIds
  authBypassIds replacement { id } createdBy { id username } modifiedBy { id username }
  versions { versionNumber name sha256 size contentType }
  history { action username versionNumber details }
`;

const UPLOAD = `mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { ${ASSET} } }`;
const REPLACE = `mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { ${ASSET} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { ${ASSET} } }`;
const DELETE = `mutation($id: ID!) { deleteAsset(id: $id) { ${ASSET} } }`;
const RESTORE = `mutation($id: ID!) { restoreAsset(id: $id) { ${ASSET} } }`;
const GET = `query($id: ID!) { asset(id: $id) { ${ASSET} } }`;
const LIST = `query($folderPath: String, $includeDeleted: Boolean) {
  assets(first: 500, folderPath: $folderPath, includeDeleted: $includeDeleted) { totalCount edges { node { id } } }
}`;

let api: TestServer;
let admin: string;
let uploader: { id: string; username: string; token: string };

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
  uploader = await api.createUser('EDITOR');
});
afterAll(() => api.close());

const sha256 = (content: string | Uint8Array) => createHash('sha256').update(content).digest('hex');
const md5 = (content: string | Uint8Array) => createHash('md5').update(content).digest('hex');

function uploadRaw(
  file: { name: string; content: string | Uint8Array },
  input?: Record<string, unknown>,
  token = uploader.token,
): Promise<GraphqlResponse<{ uploadAsset: AssetView }>> {
  return api.upload(UPLOAD, input ? { input } : {}, file, { token });
}

const upload = (
  file: { name: string; content: string | Uint8Array },
  input?: Record<string, unknown>,
  token = uploader.token,
) => uploadAs<AssetView>(api, token, { ...file, input, fields: ASSET });

async function mutate<K extends string>(
  query: string,
  field: K,
  variables: Record<string, unknown>,
  token = uploader.token,
): Promise<AssetView> {
  const result = await api.graphql<Record<K, AssetView>>(query, variables, { token });
  const asset = result.data?.[field];
  if (!asset) throw new Error(`${field} failed: ${JSON.stringify(result.errors)}`);
  return asset;
}

async function getAsset(id: string, token = uploader.token): Promise<AssetView> {
  const result = await api.graphql<{ asset: AssetView }>(GET, { id }, { token });
  if (!result.data?.asset) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

function waitForState(id: string, state: string): Promise<AssetView> {
  return eventually(async () => {
    const asset = await getAsset(id);
    return asset.state === state ? asset : undefined;
  });
}

async function listedIds(folderPath: string, includeDeleted = false): Promise<string[]> {
  const result = await api.graphql<{ assets: { edges: { node: { id: string } }[] } }>(
    LIST,
    { folderPath, includeDeleted },
    { token: admin },
  );
  if (!result.data?.assets) throw new Error(`assets failed: ${JSON.stringify(result.errors)}`);
  return result.data.assets.edges.map((edge) => edge.node.id);
}

async function totalAssetCount(): Promise<number> {
  const result = await api.graphql<{ assets: { totalCount: number } }>(
    'query { assets(first: 0, includeDeleted: true) { totalCount } }',
    {},
    { token: admin },
  );
  if (!result.data?.assets) throw new Error(`assets failed: ${JSON.stringify(result.errors)}`);
  return result.data.assets.totalCount;
}

/** The one error of a refused request: its code, message and (for validation) its list of messages. */
function errorOf(result: GraphqlResponse<unknown>): { code: unknown; message: string; messages: unknown } {
  expect(result.errors, `expected an error, got ${JSON.stringify(result.data)}`).toHaveLength(1);
  const [error] = result.errors ?? [];
  return { code: error?.extensions?.code, message: error?.message ?? '', messages: error?.extensions?.messages };
}

/** Waits until the clock has moved past the given time, so that a later change gets a later timestamp. */
function clockPast(iso: string): Promise<true> {
  return eventually(async () => (Date.now() > Date.parse(iso) ? true : undefined));
}

describe('uploadAsset', () => {
  it('stores the bytes: size, sha256 and md5 are those of the uploaded file', async () => {
    const content = `harbour at dawn ${randomUUID()}\n`;
    const asset = await upload({ name: 'harbour.txt', content });
    expect(asset.size).toBe(Buffer.byteLength(content));
    expect(asset.sha256).toBe(sha256(content));
    expect(asset.md5).toBe(md5(content));
  });

  it('stores binary bytes unchanged', async () => {
    const content = new Uint8Array(4096).map((_, i) => (i * 37 + 11) % 256);
    const asset = await upload({ name: 'noise.bin', content });
    expect(asset.size).toBe(4096);
    expect(asset.sha256).toBe(sha256(content));
    expect(asset.md5).toBe(md5(content));
  });

  it('names the asset after the uploaded file', async () => {
    const asset = await upload({ name: 'report.txt', content: 'x' });
    expect(asset.name).toBe('report.txt');
  });

  it('names the asset by input.name when one is given', async () => {
    const asset = await upload({ name: 'upload.txt', content: 'x' }, { name: 'chosen-name.txt' });
    expect(asset.name).toBe('chosen-name.txt');
  });

  it('gives a .txt file the GOV.UK type text/plain; charset=utf-8', async () => {
    const asset = await upload({ name: 'notes.txt', content: 'x' });
    expect(asset.contentType).toBe('text/plain; charset=utf-8');
  });

  it('gives a .png file the type image/png', async () => {
    const asset = await upload({ name: 'picture.png', content: 'not really a png' });
    expect(asset.contentType).toBe('image/png');
  });

  it('gives a file of unknown extension the type application/octet-stream', async () => {
    const asset = await upload({ name: 'blob.zzqqxx', content: 'x' });
    expect(asset.contentType).toBe('application/octet-stream');
  });

  it('gives a file without an extension the type application/octet-stream', async () => {
    const asset = await upload({ name: 'README', content: 'x' });
    expect(asset.contentType).toBe('application/octet-stream');
  });

  it('uses an explicit input.contentType over the extension', async () => {
    const asset = await upload({ name: 'picture.png', content: 'x' }, { contentType: 'application/pdf' });
    expect(asset.contentType).toBe('application/pdf');
  });

  it('puts the asset in the root folder "/" when no folderPath is given', async () => {
    const asset = await upload({ name: 'root.txt', content: 'x' });
    expect(asset.folderPath).toBe('/');
    expect(asset.assetPath).toBe('/root.txt');
  });

  it('keeps the given folderPath, and the assetPath is the folder and the name', async () => {
    const asset = await upload({ name: 'pier.txt', content: 'x' }, { folderPath: '/Photos/Harbour' });
    expect(asset.folderPath).toBe('/Photos/Harbour');
    expect(asset.assetPath).toBe('/Photos/Harbour/pier.txt');
  });

  it('drops a trailing "/" from the folderPath', async () => {
    const asset = await upload({ name: 'slash.txt', content: 'x' }, { folderPath: '/Photos/Harbour/' });
    expect(asset.folderPath).toBe('/Photos/Harbour');
    expect(asset.assetPath).toBe('/Photos/Harbour/slash.txt');
  });

  it('stores the metadata given', async () => {
    const metadata = { title: 'Harbour at dawn', tags: ['sea', 'morning'], rating: 4, nested: { a: true } };
    const asset = await upload({ name: 'meta.txt', content: 'x' }, { metadata });
    expect(asset.metadata).toEqual(metadata);
    expect((await getAsset(asset.id)).metadata).toEqual(metadata);
  });

  it('stores an empty metadata object when none is given', async () => {
    const asset = await upload({ name: 'nometa.txt', content: 'x' });
    expect(asset.metadata).toEqual({});
  });

  it('starts at version 1 with one version holding the uploaded file', async () => {
    const content = `version one ${randomUUID()}`;
    const asset = await upload({ name: 'v1.txt', content });
    expect(asset.versionNumber).toBe(1);
    expect(asset.versions).toEqual([
      {
        versionNumber: 1,
        name: 'v1.txt',
        sha256: sha256(content),
        size: Buffer.byteLength(content),
        contentType: 'text/plain; charset=utf-8',
      },
    ]);
  });

  it('records the uploader as createdBy and modifiedBy', async () => {
    const asset = await upload({ name: 'who.txt', content: 'x' });
    expect(asset.createdBy).toEqual({ id: uploader.id, username: uploader.username });
    expect(asset.modifiedBy).toEqual({ id: uploader.id, username: uploader.username });
  });

  it('starts UNSCANNED', async () => {
    const asset = await upload({ name: 'fresh.txt', content: 'x' });
    expect(asset.state).toBe('UNSCANNED');
  });

  it('becomes UPLOADED once scanned (scanning is off, so at once)', async () => {
    const asset = await upload({ name: 'scanned.txt', content: 'x' });
    const later = await waitForState(asset.id, 'UPLOADED');
    expect(later.state).toBe('UPLOADED');
  });

  it('records a CREATE history entry by the uploader, then a SCAN entry', async () => {
    const asset = await upload({ name: 'history.txt', content: 'x' });
    expect(asset.history[0]).toMatchObject({ action: 'CREATE', username: uploader.username, versionNumber: 1 });
    const scanned = await waitForState(asset.id, 'UPLOADED');
    expect(scanned.history.map((entry) => entry.action)).toEqual(['CREATE', 'SCAN']);
  });

  it('serves the file at <public url>/media/<id>/<name>', async () => {
    const asset = await upload({ name: 'link.txt', content: 'x' });
    expect(asset.fileUrl).toBe(`${api.server.config.publicUrl}/media/${asset.id}/link.txt`);
  });

  it('percent-encodes the name in fileUrl', async () => {
    const asset = await upload({ name: 'x.txt', content: 'x' }, { name: 'café.txt' });
    expect(asset.fileUrl).toBe(`${api.server.config.publicUrl}/media/${asset.id}/caf%C3%A9.txt`);
  });

  it('makes the asset readable by id and listed in its folder', async () => {
    const folderPath = freshFolder();
    const asset = await upload({ name: 'findme.txt', content: 'x' }, { folderPath });
    expect((await getAsset(asset.id)).id).toBe(asset.id);
    expect(await listedIds(folderPath)).toEqual([asset.id]);
  });

  it('stores the GOV.UK draft fields given on upload: draft, parentDocumentUrl and access lists', async () => {
    const asset = await upload(
      { name: 'govuk.txt', content: 'x' },
      {
        draft: true,
        parentDocumentUrl: 'https://www.gov.uk/government/publications/x',
        accessLimitedUserIds: ['user-a'],
        accessLimitedOrganisationIds: ['org-a'],
        authBypassIds: ['bypass-a'],
      },
    );
    const expected = {
      draft: true,
      parentDocumentUrl: 'https://www.gov.uk/government/publications/x',
      accessLimitedUserIds: ['user-a'],
      accessLimitedOrganisationIds: ['org-a'],
      authBypassIds: ['bypass-a'],
    };
    expect(asset).toMatchObject(expected);
    expect(await getAsset(asset.id)).toMatchObject(expected);
  });

  it('stores the GOV.UK live fields given on upload: replacementId and redirectUrl', async () => {
    const target = await upload({ name: 'target.txt', content: 'x' });
    const asset = await upload(
      { name: 'govuk.txt', content: 'x' },
      { replacementId: target.id, redirectUrl: 'https://www.gov.uk/moved' },
    );
    expect(asset).toMatchObject({ replacement: { id: target.id }, redirectUrl: 'https://www.gov.uk/moved' });
    expect(await getAsset(asset.id)).toMatchObject({
      replacement: { id: target.id },
      redirectUrl: 'https://www.gov.uk/moved',
    });
  });
});

describe('filename sanitising (GOV.UK rule)', () => {
  it("turns spaces and brackets into underscores: 'my file (1).pdf' -> 'my_file__1_.pdf'", async () => {
    const asset = await upload({ name: 'my file (1).pdf', content: 'x' });
    expect(asset.name).toBe('my_file__1_.pdf');
    expect(asset.contentType).toBe('application/pdf');
  });

  it('sanitises input.name the same way', async () => {
    const asset = await upload({ name: 'x.pdf', content: 'x' }, { name: 'my file (1).pdf' });
    expect(asset.name).toBe('my_file__1_.pdf');
  });

  it("drops the directories of a Unix path: '../../etc/passwd' -> 'passwd'", async () => {
    const asset = await upload({ name: 'x.txt', content: 'x' }, { name: '../../etc/passwd' });
    expect(asset.name).toBe('passwd');
    expect(asset.assetPath).toBe('/passwd');
  });

  it("drops the directories of a Windows path: 'C:\\dir\\x.txt' -> 'x.txt'", async () => {
    const asset = await upload({ name: 'y.txt', content: 'x' }, { name: 'C:\\dir\\x.txt' });
    expect(asset.name).toBe('x.txt');
  });

  it('drops the directories of the multipart filename too', async () => {
    const asset = await upload({ name: '../../etc/passwd', content: 'x' });
    expect(asset.name).toBe('passwd');
  });

  it('keeps accented letters', async () => {
    const asset = await upload({ name: 'résumé-Ångström.txt', content: 'x' });
    expect(asset.name).toBe('résumé-Ångström.txt');
  });

  it('keeps accented letters written with a combining accent, as macOS sends them', async () => {
    // [:word:] in Ruby (CarrierWave's rule) includes Unicode marks, so "e" + U+0301 survives there.
    const decomposed = 'cafe\u0301.txt';
    const asset = await upload({ name: 'x.txt', content: 'x' }, { name: decomposed });
    expect(asset.name).toBe(decomposed);
  });

  it('keeps letters of other scripts', async () => {
    const asset = await upload({ name: 'x.txt', content: 'x' }, { name: 'Ελληνικά_日本語.txt' });
    expect(asset.name).toBe('Ελληνικά_日本語.txt');
  });
});

describe('replaceAssetFile', () => {
  async function uploadedAsset(name = 'first.txt', content = `first ${randomUUID()}`) {
    const asset = await upload({ name, content });
    await waitForState(asset.id, 'UPLOADED');
    return { asset, content };
  }

  it('stores the new file as version 2', async () => {
    const { asset } = await uploadedAsset();
    const content = `second ${randomUUID()}`;
    const replaced = await api.upload<{ replaceAssetFile: AssetView }>(
      REPLACE,
      { id: asset.id },
      { name: 'second.txt', content },
      { token: uploader.token },
    );
    const result = replaced.data?.replaceAssetFile;
    expect(result?.versionNumber).toBe(2);
    expect(result?.sha256).toBe(sha256(content));
    expect(result?.md5).toBe(md5(content));
    expect(result?.size).toBe(Buffer.byteLength(content));
  });

  it('keeps the first version listed beside the new one', async () => {
    const { asset, content: first } = await uploadedAsset();
    const second = `second ${randomUUID()}`;
    await api.upload(REPLACE, { id: asset.id }, { name: 'second.txt', content: second }, { token: uploader.token });
    const versions = (await getAsset(asset.id)).versions;
    expect(versions.map((version) => [version.versionNumber, version.sha256, version.name])).toEqual([
      [1, sha256(first), 'first.txt'],
      [2, sha256(second), 'second.txt'],
    ]);
  });

  it('puts the asset back to UNSCANNED, and it becomes UPLOADED again', async () => {
    const { asset } = await uploadedAsset();
    const replaced = await api.upload<{ replaceAssetFile: AssetView }>(
      REPLACE,
      { id: asset.id },
      { name: 'again.txt', content: `again ${randomUUID()}` },
      { token: uploader.token },
    );
    expect(replaced.data?.replaceAssetFile.state).toBe('UNSCANNED');
    expect((await waitForState(asset.id, 'UPLOADED')).versionNumber).toBe(2);
  });

  it('renames the asset after the new file, with the type of its extension', async () => {
    const { asset } = await uploadedAsset('photo.txt');
    const replaced = await api.upload<{ replaceAssetFile: AssetView }>(
      REPLACE,
      { id: asset.id },
      { name: 'new photo.png', content: 'png bytes' },
      { token: uploader.token },
    );
    expect(replaced.data?.replaceAssetFile).toMatchObject({ name: 'new_photo.png', contentType: 'image/png' });
  });

  it('records a REPLACE_FILE history entry for version 2', async () => {
    const { asset } = await uploadedAsset('before.txt');
    await api.upload(REPLACE, { id: asset.id }, { name: 'after.txt', content: 'after' }, { token: uploader.token });
    const history = (await getAsset(asset.id)).history;
    const entry = history.find((item) => item.action === 'REPLACE_FILE');
    expect(entry).toMatchObject({ username: uploader.username, versionNumber: 2 });
    expect(entry?.details).toMatchObject({ previousName: 'before.txt', name: 'after.txt' });
  });

  it('gives concurrent replacements successive version numbers (or CONFLICT), never an internal error', async () => {
    const { asset } = await uploadedAsset();
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        api.upload<{ replaceAssetFile: AssetView }>(
          REPLACE,
          { id: asset.id },
          { name: `r${i}.txt`, content: `content ${i} ${randomUUID()}` },
          { token: uploader.token },
        ),
      ),
    );
    const codes = results.flatMap((result) => result.errors?.map((error) => error.extensions?.code) ?? []);
    expect(codes.filter((code) => code !== 'CONFLICT')).toEqual([]);
    const given = results.flatMap((result) => result.data?.replaceAssetFile?.versionNumber ?? []);
    const expected = given.map((_, index) => index + 2);
    expect([...given].sort((a, b) => a - b)).toEqual(expected);
    const stored = await getAsset(asset.id);
    expect(stored.versions.map((version) => version.versionNumber)).toEqual([1, ...expected]);
    expect(stored.versionNumber).toBe(1 + given.length);
  });

  it('refuses to replace the file of a deleted asset with NOT_FOUND', async () => {
    const { asset } = await uploadedAsset();
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const replaced = await api.upload(
      REPLACE,
      { id: asset.id },
      { name: 'late.txt', content: 'late' },
      {
        token: uploader.token,
      },
    );
    expect(errorOf(replaced).code).toBe('NOT_FOUND');
    expect((await getAsset(asset.id)).versionNumber).toBe(1);
  });
});

describe('updateAsset', () => {
  it('merges metadata: existing fields are kept and new ones added', async () => {
    const asset = await upload({ name: 'm.txt', content: 'x' }, { metadata: { title: 'Old', rating: 3 } });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { metadata: { caption: 'New' } } });
    expect(updated.metadata).toEqual({ title: 'Old', rating: 3, caption: 'New' });
  });

  it('replaces the value of a metadata field that is given again', async () => {
    const asset = await upload({ name: 'm.txt', content: 'x' }, { metadata: { title: 'Old', rating: 3 } });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { metadata: { title: 'New' } } });
    expect(updated.metadata).toEqual({ title: 'New', rating: 3 });
  });

  it('removes a metadata field set to null', async () => {
    const asset = await upload({ name: 'm.txt', content: 'x' }, { metadata: { title: 'Old', rating: 3 } });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { metadata: { rating: null } } });
    expect(updated.metadata).toEqual({ title: 'Old' });
    expect((await getAsset(asset.id)).metadata).toEqual({ title: 'Old' });
  });

  it('renames the asset, sanitising the new name', async () => {
    const asset = await upload({ name: 'old.txt', content: 'x' });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { name: 'new name (2).txt' } });
    expect(updated.name).toBe('new_name__2_.txt');
    expect(updated.assetPath).toBe('/new_name__2_.txt');
  });

  it('records a rename as a MOVE history entry with the paths from and to', async () => {
    const asset = await upload({ name: 'old.txt', content: 'x' }, { folderPath: '/Renames' });
    await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { name: 'new.txt' } });
    const entry = (await getAsset(asset.id)).history.find((item) => item.action === 'MOVE');
    expect(entry?.details).toEqual({ from: '/Renames/old.txt', to: '/Renames/new.txt' });
  });

  it('moves the asset to another folder, and records a MOVE history entry', async () => {
    const from = freshFolder();
    const to = freshFolder();
    const asset = await upload({ name: 'mover.txt', content: 'x' }, { folderPath: from });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { folderPath: to } });
    expect(updated.folderPath).toBe(to);
    expect(updated.assetPath).toBe(`${to}/mover.txt`);
    const entry = updated.history.find((item) => item.action === 'MOVE');
    expect(entry?.details).toEqual({ from: `${from}/mover.txt`, to: `${to}/mover.txt` });
    expect(await listedIds(from)).toEqual([]);
    expect(await listedIds(to)).toEqual([asset.id]);
  });

  it('stores the GOV.UK fields: draft, redirectUrl, parentDocumentUrl, replacementId and access lists', async () => {
    const target = await upload({ name: 'replacement.txt', content: 'x' });
    const asset = await upload({ name: 'govuk.txt', content: 'x' });
    const updated = await mutate(UPDATE, 'updateAsset', {
      id: asset.id,
      input: {
        draft: true,
        parentDocumentUrl: 'https://www.gov.uk/guidance/x',
        accessLimitedUserIds: ['user-1', 'user-2'],
        accessLimitedOrganisationIds: ['org-1'],
        authBypassIds: ['bypass-1'],
      },
    });
    expect(updated).toMatchObject({
      draft: true,
      parentDocumentUrl: 'https://www.gov.uk/guidance/x',
      accessLimitedUserIds: ['user-1', 'user-2'],
      accessLimitedOrganisationIds: ['org-1'],
      authBypassIds: ['bypass-1'],
    });
    const live = await mutate(UPDATE, 'updateAsset', {
      id: asset.id,
      input: { draft: false, redirectUrl: 'https://www.gov.uk/moved', replacementId: target.id },
    });
    expect(live).toMatchObject({
      draft: false,
      redirectUrl: 'https://www.gov.uk/moved',
      replacement: { id: target.id },
    });
    expect(await getAsset(asset.id)).toMatchObject({
      redirectUrl: 'https://www.gov.uk/moved',
      replacement: { id: target.id },
      accessLimitedUserIds: ['user-1', 'user-2'],
    });
  });

  it('clears redirectUrl when it is sent blank', async () => {
    const asset = await upload({ name: 'r.txt', content: 'x' }, { redirectUrl: 'https://www.gov.uk/elsewhere' });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { redirectUrl: '' } });
    expect(updated.redirectUrl).toBeNull();
  });

  it('records an UPDATE_METADATA history entry naming the fields changed', async () => {
    const asset = await upload({ name: 'u.txt', content: 'x' });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { metadata: { a: 1 }, draft: true } });
    const entry = updated.history.find((item) => item.action === 'UPDATE_METADATA');
    expect(entry?.username).toBe(uploader.username);
    expect(entry?.details?.fields).toEqual(expect.arrayContaining(['metadata', 'draft']));
  });

  it('advances modifiedAt and sets modifiedBy to the user who changed it', async () => {
    const asset = await upload({ name: 't.txt', content: 'x' });
    await clockPast(asset.modifiedAt);
    const editor = await api.createUser('EDITOR');
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { metadata: { a: 1 } } }, editor.token);
    expect(Date.parse(updated.modifiedAt)).toBeGreaterThan(Date.parse(asset.modifiedAt));
    expect(updated.createdAt).toBe(asset.createdAt);
    expect(updated.modifiedBy?.id).toBe(editor.id);
    expect(updated.createdBy?.id).toBe(uploader.id);
  });

  it('may update a deleted draft asset', async () => {
    const asset = await upload({ name: 'draft.txt', content: 'x' }, { draft: true });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const updated = await mutate(UPDATE, 'updateAsset', { id: asset.id, input: { draft: false } });
    expect(updated).toMatchObject({ draft: false, deleted: true });
  });

  it('refuses to update a deleted non-draft asset with NOT_FOUND', async () => {
    const asset = await upload({ name: 'gone.txt', content: 'x' });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const result = await api.graphql(
      UPDATE,
      { id: asset.id, input: { metadata: { a: 1 } } },
      {
        token: uploader.token,
      },
    );
    expect(errorOf(result).code).toBe('NOT_FOUND');
    expect((await getAsset(asset.id)).metadata).toEqual({});
  });
});

describe('validation with the GOV.UK messages', () => {
  it("refuses contentType 'text/plain; charset=utf-8' as not matching rfc6838", async () => {
    const before = await totalAssetCount();
    const result = await uploadRaw({ name: 'a.txt', content: 'x' }, { contentType: 'text/plain; charset=utf-8' });
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('Content type must match the format defined in rfc6838');
    expect(error.messages).toEqual(['Content type must match the format defined in rfc6838']);
    expect(await totalAssetCount()).toBe(before);
  });

  it("refuses an unknown replacementId with 'Replacement not found'", async () => {
    const result = await uploadRaw({ name: 'a.txt', content: 'x' }, { replacementId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Replacement not found']);
  });

  it("refuses an unknown replacementId on update with 'Replacement not found' and keeps the asset as it was", async () => {
    const asset = await upload({ name: 'a.txt', content: 'x' });
    const result = await api.graphql(
      UPDATE,
      { id: asset.id, input: { replacementId: 'not-an-asset' } },
      { token: uploader.token },
    );
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Replacement not found']);
    expect((await getAsset(asset.id)).replacement).toBeNull();
  });

  it('accepts a deleted asset as the replacement', async () => {
    const target = await upload({ name: 'old-target.txt', content: 'x' });
    await mutate(DELETE, 'deleteAsset', { id: target.id });
    const asset = await upload({ name: 'a.txt', content: 'x' }, { replacementId: target.id });
    expect(asset.replacement?.id).toBe(target.id);
  });

  it("refuses draft:true on an asset that has a replacement with 'Draft cannot be true, because already replaced'", async () => {
    const target = await upload({ name: 'target.txt', content: 'x' });
    const asset = await upload({ name: 'a.txt', content: 'x' }, { replacementId: target.id });
    const result = await api.graphql(UPDATE, { id: asset.id, input: { draft: true } }, { token: uploader.token });
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Draft cannot be true, because already replaced']);
    expect((await getAsset(asset.id)).draft).toBe(false);
  });

  it('refuses an upload that is both a draft and replaced, creating nothing', async () => {
    const target = await upload({ name: 'target.txt', content: 'x' });
    const before = await totalAssetCount();
    const result = await uploadRaw({ name: 'a.txt', content: 'x' }, { draft: true, replacementId: target.id });
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Draft cannot be true, because already replaced']);
    expect(await totalAssetCount()).toBe(before);
  });

  it("refuses draft:true on an asset that has a redirectUrl with 'Draft cannot be true, because already redirected'", async () => {
    const asset = await upload({ name: 'a.txt', content: 'x' }, { redirectUrl: 'https://www.gov.uk/elsewhere' });
    const result = await api.graphql(UPDATE, { id: asset.id, input: { draft: true } }, { token: uploader.token });
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Draft cannot be true, because already redirected']);
    expect((await getAsset(asset.id)).draft).toBe(false);
  });

  it("refuses parentDocumentUrl 'ftp://x' with 'Parent document url must be an http(s) URL'", async () => {
    const result = await uploadRaw({ name: 'a.txt', content: 'x' }, { parentDocumentUrl: 'ftp://x' });
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Parent document url must be an http(s) URL']);
  });

  it("refuses a draft-origin parentDocumentUrl on a non-draft with 'Parent document url must be a public GOV.UK URL'", async () => {
    const result = await uploadRaw(
      { name: 'a.txt', content: 'x' },
      { parentDocumentUrl: 'https://draft-origin.publishing.service.gov.uk/x' },
    );
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual(['Parent document url must be a public GOV.UK URL']);
  });

  it('accepts a draft-origin parentDocumentUrl on a draft', async () => {
    const asset = await upload(
      { name: 'a.txt', content: 'x' },
      { draft: true, parentDocumentUrl: 'https://draft-origin.publishing.service.gov.uk/x' },
    );
    expect(asset.parentDocumentUrl).toBe('https://draft-origin.publishing.service.gov.uk/x');
  });

  it('reports every broken rule, not just the first', async () => {
    const before = await totalAssetCount();
    const result = await uploadRaw(
      { name: 'a.txt', content: 'x' },
      {
        contentType: 'text/plain; charset=utf-8',
        replacementId: 'AAAAAAAAAAAAAAAAAAAAAA',
        parentDocumentUrl: 'ftp://x',
      },
    );
    const error = errorOf(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.messages).toEqual([
      'Content type must match the format defined in rfc6838',
      'Replacement not found',
      'Parent document url must be an http(s) URL',
    ]);
    expect(await totalAssetCount()).toBe(before);
  });

  it('reports every broken rule on update too', async () => {
    const target = await upload({ name: 'target.txt', content: 'x' });
    const asset = await upload({ name: 'a.txt', content: 'x' }, { redirectUrl: 'https://www.gov.uk/elsewhere' });
    const result = await api.graphql(
      UPDATE,
      { id: asset.id, input: { draft: true, replacementId: target.id, parentDocumentUrl: 'ftp://x' } },
      { token: uploader.token },
    );
    expect(errorOf(result).messages).toEqual([
      'Draft cannot be true, because already replaced',
      'Draft cannot be true, because already redirected',
      'Parent document url must be an http(s) URL',
    ]);
  });
});

describe('deleteAsset and restoreAsset', () => {
  it('deletes softly: the asset comes back marked deleted, with deletedAt set', async () => {
    const asset = await upload({ name: 'd.txt', content: 'x' });
    const deleted = await mutate(DELETE, 'deleteAsset', { id: asset.id });
    expect(deleted.deleted).toBe(true);
    expect(Number.isNaN(Date.parse(deleted.deletedAt ?? ''))).toBe(false);
  });

  it('still returns a deleted asset by id, marked deleted, with its bytes recorded', async () => {
    const content = `kept ${randomUUID()}`;
    const asset = await upload({ name: 'd.txt', content });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const found = await getAsset(asset.id);
    expect(found).toMatchObject({ id: asset.id, deleted: true, sha256: sha256(content) });
    expect(found.deletedAt).not.toBeNull();
  });

  it('hides a deleted asset from the listing', async () => {
    const folderPath = freshFolder();
    const kept = await upload({ name: 'kept.txt', content: 'x' }, { folderPath });
    const asset = await upload({ name: 'd.txt', content: 'x' }, { folderPath });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    expect(await listedIds(folderPath)).toEqual([kept.id]);
  });

  it('lists a deleted asset when includeDeleted is true', async () => {
    const folderPath = freshFolder();
    const asset = await upload({ name: 'd.txt', content: 'x' }, { folderPath });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    expect(await listedIds(folderPath, true)).toEqual([asset.id]);
  });

  it('refuses to delete an asset twice with NOT_FOUND', async () => {
    const asset = await upload({ name: 'd.txt', content: 'x' });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const again = await api.graphql(DELETE, { id: asset.id }, { token: uploader.token });
    expect(errorOf(again).code).toBe('NOT_FOUND');
  });

  it('records a REMOVE history entry', async () => {
    const asset = await upload({ name: 'd.txt', content: 'x' });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const actions = (await getAsset(asset.id)).history.map((entry) => entry.action);
    // Not necessarily the last entry: the scan queue may record its SCAN after the delete.
    expect(actions).toContain('REMOVE');
  });

  it('restores a deleted asset: deleted false, deletedAt null', async () => {
    const asset = await upload({ name: 'r.txt', content: 'x' });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    const restored = await mutate(RESTORE, 'restoreAsset', { id: asset.id });
    expect(restored).toMatchObject({ deleted: false, deletedAt: null });
    expect(await getAsset(asset.id)).toMatchObject({ deleted: false, deletedAt: null });
  });

  it('lists a restored asset again', async () => {
    const folderPath = freshFolder();
    const asset = await upload({ name: 'r.txt', content: 'x' }, { folderPath });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    await mutate(RESTORE, 'restoreAsset', { id: asset.id });
    expect(await listedIds(folderPath)).toEqual([asset.id]);
  });

  it('records a RESTORE history entry after the REMOVE', async () => {
    const asset = await upload({ name: 'r.txt', content: 'x' });
    await mutate(DELETE, 'deleteAsset', { id: asset.id });
    await mutate(RESTORE, 'restoreAsset', { id: asset.id });
    const actions = (await getAsset(asset.id)).history.map((entry) => entry.action);
    expect(actions.indexOf('RESTORE')).toBeGreaterThan(actions.indexOf('REMOVE'));
  });

  it('restoring an asset that is not deleted returns it unchanged, without error', async () => {
    const asset = await upload({ name: 'r.txt', content: 'x' });
    const scanned = await waitForState(asset.id, 'UPLOADED');
    const result = await api.graphql<{ restoreAsset: AssetView }>(RESTORE, { id: asset.id }, { token: uploader.token });
    expect(result.errors).toBeUndefined();
    expect(result.data?.restoreAsset).toEqual(scanned);
  });
});

describe('bad input', () => {
  it('answers an unknown well-formed id with NOT_FOUND', async () => {
    const result = await api.graphql(GET, { id: 'abcdefghijklmnopqrst-_' }, { token: uploader.token });
    expect(errorOf(result).code).toBe('NOT_FOUND');
  });

  it.each([
    'abc',
    '../x',
    'abcdefghijklmnopqrstu/',
    '',
  ])('answers the malformed id %j with BAD_USER_INPUT', async (id) => {
    const result = await api.graphql(GET, { id }, { token: uploader.token });
    expect(errorOf(result).code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['a string', 'x'],
    ['an array', [1]],
    ['a number', 42],
  ])('refuses metadata that is %s on upload with BAD_USER_INPUT, creating nothing', async (_what, metadata) => {
    const before = await totalAssetCount();
    const result = await uploadRaw({ name: 'a.txt', content: 'x' }, { metadata });
    expect(errorOf(result).code).toBe('BAD_USER_INPUT');
    expect(await totalAssetCount()).toBe(before);
  });

  it.each([
    ['a string', 'x'],
    ['an array', [1]],
  ])('refuses metadata that is %s on update with BAD_USER_INPUT, changing nothing', async (_what, metadata) => {
    const asset = await upload({ name: 'a.txt', content: 'x' }, { metadata: { title: 'Kept' } });
    const result = await api.graphql(UPDATE, { id: asset.id, input: { metadata } }, { token: uploader.token });
    expect(errorOf(result).code).toBe('BAD_USER_INPUT');
    expect((await getAsset(asset.id)).metadata).toEqual({ title: 'Kept' });
  });

  it.each([
    ['without a leading "/"', 'Photos/Harbour'],
    ['with a ".." segment', '/Photos/../etc'],
    ['with a "." segment', '/Photos/./Harbour'],
    ['with "//"', '/Photos//Harbour'],
    ['with a control character', '/Photos/Har\u0001bour'],
    ['with a newline', '/Photos/Har\nbour'],
  ])('refuses a folderPath %s on upload with BAD_USER_INPUT, creating nothing', async (_what, folderPath) => {
    const before = await totalAssetCount();
    const result = await uploadRaw({ name: 'a.txt', content: 'x' }, { folderPath });
    expect(errorOf(result).code).toBe('BAD_USER_INPUT');
    expect(await totalAssetCount()).toBe(before);
  });

  it.each([
    ['without a leading "/"', 'Photos'],
    ['with a ".." segment', '/Photos/..'],
    ['with "//"', '//Photos'],
    ['with a control character', '/Photos\u0000'],
  ])('refuses a folderPath %s on update with BAD_USER_INPUT, leaving the asset where it was', async (_what, folderPath) => {
    const asset = await upload({ name: 'a.txt', content: 'x' }, { folderPath: '/Stays' });
    const result = await api.graphql(UPDATE, { id: asset.id, input: { folderPath } }, { token: uploader.token });
    expect(errorOf(result).code).toBe('BAD_USER_INPUT');
    expect((await getAsset(asset.id)).folderPath).toBe('/Stays');
  });

  it('refuses an empty file with BAD_USER_INPUT, creating nothing', async () => {
    const before = await totalAssetCount();
    const result = await uploadRaw({ name: 'empty.txt', content: '' });
    expect(errorOf(result).code).toBe('BAD_USER_INPUT');
    expect(await totalAssetCount()).toBe(before);
  });

  it('answers a malformed id on every mutation with BAD_USER_INPUT', async () => {
    for (const [query, variables] of [
      [UPDATE, { id: '../x', input: { metadata: { a: 1 } } }],
      [DELETE, { id: '../x' }],
      [RESTORE, { id: '../x' }],
    ] as const) {
      const result = await api.graphql(query, variables, { token: uploader.token });
      expect(errorOf(result).code, query).toBe('BAD_USER_INPUT');
    }
  });
});
