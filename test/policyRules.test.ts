import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKeyFor, dataOf, freshFolder, untilUploaded } from './support/graphqlCalls.js';
import { imageFacts, untilRendered } from './support/renditionCalls.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, postServices } from './support/woodwingCalls.js';

/*
 * Rules that each live in one module (src/resolvers/policy/, src/db/assetDomain.ts), seen from every surface
 * that asks them: what a shared link opens, when bytes are servable, who sees an access-limited draft, and
 * what a file's extension and container type are. No DRAFT_ASSETS_HOST is set, so a draft's GOV.UK media URL
 * gets the draft checks (shared links included) on the one host.
 */

const UPLOAD =
  'mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { id name } }';

/** A 1x1 PNG; its preview and thumbnail are 1x1 PNGs too (renditions, made after the scan). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

interface Uploaded {
  id: string;
  name: string;
}

let api: TestServer;
let editor: TestUser;

async function upload(name: string, content: Uint8Array | string, input: Record<string, unknown>): Promise<Uploaded> {
  const result = await api.upload<{ uploadAsset: Uploaded }>(
    UPLOAD,
    { input },
    { name, content },
    {
      token: editor.token,
    },
  );
  if (!result.data?.uploadAsset) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
  await untilUploaded(api, editor.token, result.data.uploadAsset.id);
  return result.data.uploadAsset;
}

/** The PNG itself from a URL of the original; a 1x1 PNG rendition of it from a preview or thumbnail URL. */
async function expectServed(path: string, response: Response): Promise<void> {
  const bytes = Buffer.from(await response.arrayBuffer());
  if (/^\/(preview|thumbnail)\//.test(path))
    expect(await imageFacts(bytes)).toEqual({ width: 1, height: 1, format: 'png' });
  else expect(bytes).toEqual(PNG);
}

/** A draft PNG with shared links that allow previews only and originals. */
async function sharedDraftImage() {
  const image = await upload('shared.png', PNG, { folderPath: freshFolder(), draft: true });
  await untilRendered(api, editor.token, image.id);
  const rights = (downloadOriginal: boolean) => ({ downloadPreview: true, downloadOriginal });
  return {
    image,
    previewsOnly: await authKeyFor(api, editor.token, 'previews only', [image.id], rights(false)),
    originals: await authKeyFor(api, editor.token, 'originals', [image.id], rights(true)),
  };
}

/**
 * Every URL that serves an asset's bytes to a shared link's holder, with the key in its query; what it answers
 * a link that allows previews only, and anyone when the file is infected.
 */
const SERVING_URLS = [
  { surface: 'WoodWing /file', path: '/file/{id}/*/{name}', previewsOnly: 404, infected: 409 },
  { surface: 'WoodWing /preview', path: '/preview/{id}/*/{name}', previewsOnly: 200, infected: 409 },
  { surface: 'WoodWing /thumbnail', path: '/thumbnail/{id}/*/{name}', previewsOnly: 200, infected: 409 },
  { surface: 'GOV.UK /media (a draft)', path: '/media/{id}/{name}', previewsOnly: 401, infected: 404 },
];

const urlOf = (path: string, asset: Uploaded, key = '') =>
  `${path.replace('{id}', asset.id).replace('{name}', asset.name)}${key ? `?authKey=${key}` : ''}`;

const get = (path: string, token?: string) => fetch(`${api.url}${path}`, { headers: token ? bearer(token) : {} });

beforeAll(async () => {
  api = await startTestServer();
  editor = await api.createUser('EDITOR');
});
afterAll(() => api.close());

describe('a shared link', () => {
  let shared: Awaited<ReturnType<typeof sharedDraftImage>>;
  beforeAll(async () => {
    shared = await sharedDraftImage();
  });

  it.each(SERVING_URLS)('that allows previews only gets $previewsOnly from $surface', async ({
    path,
    previewsOnly,
  }) => {
    const response = await get(urlOf(path, shared.image, shared.previewsOnly));
    expect(response.status).toBe(previewsOnly);
    if (previewsOnly === 200) await expectServed(path, response);
  });

  it.each(SERVING_URLS)('that allows originals gets the bytes from $surface', async ({ path }) => {
    const response = await get(urlOf(path, shared.image, shared.originals));
    expect(response.status).toBe(200);
    await expectServed(path, response);
  });

  it('that allows previews only is not handed on in the fileUrl of its assets', async () => {
    const fileUrls = async (key: string) => {
      const result = await api.graphql<{ sharedLink: { assets: { fileUrl: string }[] } }>(
        'query($key: String!) { sharedLink(key: $key) { assets { fileUrl } } }',
        { key },
      );
      return result.data?.sharedLink.assets.map((asset) => new URL(asset.fileUrl).searchParams.get('authKey'));
    };
    expect({ previewsOnly: await fileUrls(shared.previewsOnly), originals: await fileUrls(shared.originals) }).toEqual({
      previewsOnly: [null],
      originals: [shared.originals],
    });
  });
});

describe('a file that is not servable (infected)', () => {
  let shared: Awaited<ReturnType<typeof sharedDraftImage>>;
  beforeAll(async () => {
    shared = await sharedDraftImage();
    await api.sql('update "assets" set "state" = ? where "id" = ?', ['INFECTED', shared.image.id]);
  });

  it.each(SERVING_URLS)('is refused with $infected to a shared link on $surface', async ({ path, infected }) => {
    const response = await get(urlOf(path, shared.image, shared.originals));
    expect(response.status).toBe(infected);
  });

  it.each(SERVING_URLS)('is refused with $infected to the user who uploaded it on $surface', async ({
    path,
    infected,
  }) => {
    const response = await get(urlOf(path, shared.image), editor.token);
    expect(response.status).toBe(infected);
  });
});

describe('an access-limited draft', () => {
  const LISTED_ORGANISATION = 'organisation-listed';
  const folder = freshFolder();
  let draft: Uploaded;
  const viewers: Record<string, TestUser> = {};

  beforeAll(async () => {
    viewers.creator = editor;
    viewers['a listed user'] = await api.createUser('VIEWER');
    viewers['a member of a listed organisation'] = await api.createUser('VIEWER', {
      organisationId: LISTED_ORGANISATION,
    });
    viewers['an ADMIN'] = await api.createUser('ADMIN');
    viewers['a user it does not list'] = await api.createUser('VIEWER');
    viewers['a member of another organisation'] = await api.createUser('VIEWER', {
      organisationId: 'organisation-other',
    });
    draft = await upload('limited.txt', 'limited', {
      folderPath: folder,
      draft: true,
      accessLimitedUserIds: [viewers['a listed user']?.id],
      accessLimitedOrganisationIds: [LISTED_ORGANISATION],
    });
  });

  /** Whether the viewer finds the draft by search and whether it reads the draft by id. */
  async function seenBy(who: string) {
    const token = viewers[who]?.token ?? '';
    const listed = await dataOf(
      api,
      'query($folderPath: String) { assets(first: 10, folderPath: $folderPath) { edges { node { id } } } }',
      { folderPath: folder },
      token,
    );
    const read = await api.graphql<{ asset: { id: string } | null }>(
      'query($id: ID!) { asset(id: $id) { id } }',
      { id: draft.id },
      { token },
    );
    return {
      inSearch: listed.assets.edges.some((edge: { node: { id: string } }) => edge.node.id === draft.id),
      byId: read.data?.asset?.id === draft.id,
    };
  }

  it.each([
    { who: 'creator', sees: true },
    { who: 'a listed user', sees: true },
    { who: 'a member of a listed organisation', sees: true },
    { who: 'an ADMIN', sees: true },
    { who: 'a user it does not list', sees: false },
    { who: 'a member of another organisation', sees: false },
  ])('is seen by $who in search and by id alike: $sees', async ({ who, sees }) => {
    expect(await seenBy(who)).toEqual({ inSearch: sees, byId: sees });
  });
});

describe('a file name', () => {
  async function hitOf(id: string) {
    const response = await postServices(api.url, 'search', { q: `id:${id}` }, 'urlencoded', bearer(editor.token));
    return (await bodyOf(response)).hits[0].metadata;
  }

  /** An upload's content type as GraphQL gives it, and its search hit's metadata. */
  async function typeAndHitOf(name: string, content: string) {
    const asset = await upload(name, content, { folderPath: freshFolder() });
    const graphql = await dataOf(
      api,
      'query($id: ID!) { asset(id: $id) { contentType } }',
      { id: asset.id },
      editor.token,
    );
    return { contentType: graphql.asset.contentType as string, hit: await hitOf(asset.id) };
  }

  it('gives the same extension to the content type and to search, whatever its case', async () => {
    const { contentType, hit } = await typeAndHitOf('Report.PDF', '%PDF-1.4');
    expect({ contentType, extension: hit.extension, assetDomain: hit.assetDomain }).toEqual({
      contentType: 'application/pdf',
      extension: 'pdf',
      assetDomain: 'pdf',
    });
  });

  it('that is only a dot and a word has no extension, for its content type as for search', async () => {
    const { contentType, hit } = await typeAndHitOf('.csv', 'a,b');
    expect({ contentType, extension: hit.extension }).toEqual({
      contentType: 'application/octet-stream',
      extension: '',
    });
  });

  it('ending in .dossier is a container to search and to WoodWing browse alike', async () => {
    const folder = freshFolder();
    const asset = await upload('case.dossier', 'dossier', { folderPath: folder });
    const response = await postServices(api.url, 'browse', { path: folder }, 'urlencoded', bearer(editor.token));
    const entries: { name: string; collection: boolean }[] = await bodyOf(response);
    expect({
      assetDomain: (await hitOf(asset.id)).assetDomain,
      browsed: entries.map((entry) => ({ name: entry.name, collection: entry.collection })),
    }).toEqual({ assetDomain: 'container', browsed: [{ name: 'case.dossier', collection: true }] });
  });
});

describe('a shared link while its table cannot be read', () => {
  let shared: Awaited<ReturnType<typeof sharedDraftImage>>;
  beforeAll(async () => {
    shared = await sharedDraftImage();
    // A real database failure: the look-up of every key fails until the table is back.
    await api.sql('alter table "auth_keys" rename to "auth_keys_away"');
  });
  afterAll(async () => {
    await api.sql('alter table "auth_keys_away" rename to "auth_keys"');
  });

  it.each(SERVING_URLS)('gets a server error from $surface, not "not shared"', async ({ path }) => {
    const response = await get(urlOf(path, shared.image, shared.originals));
    expect(response.status).toBe(500);
  });
});
