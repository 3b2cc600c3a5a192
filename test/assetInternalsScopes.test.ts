import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';

const UPLOAD = 'mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { id } }';
const INTERNALS = `accessLimitedUserIds accessLimitedOrganisationIds authBypassIds modifiedBy { id }
  checkout { checkedOutBy user { id } }`;

let api: TestServer;
let editor: TestUser;
let assetId: string;
let key: string;

beforeAll(async () => {
  api = await startTestServer();
  editor = await api.createUser('EDITOR', { organisationId: 'org-1' });
  const input = { draft: true, accessLimitedOrganisationIds: ['org-1'], authBypassIds: ['bypass-1'] };
  const upload = await api.upload(UPLOAD, { input }, { name: 'internal.txt', content: 'internal' }, editor);
  assetId = upload.data?.uploadAsset.id;
  await api.graphql('mutation($id: ID!) { checkout(assetId: $id) { checkedOutBy } }', { id: assetId }, editor);
  const validUntil = new Date(Date.now() + 3600_000).toISOString();
  const created = await api.graphql(
    'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }',
    { input: { subject: 'internals', validUntil, assetIds: [assetId] } },
    editor,
  );
  key = created.data?.createAuthKey.key;
});
afterAll(() => api.close());

describe("an asset's internals", () => {
  it("answer a shared link's anonymous holder empty lists and nulls, with no error", async () => {
    const { errors, data } = await api.graphql(
      `query($key: String!) { sharedLink(key: $key) { assets { id ${INTERNALS} } } }`,
      { key },
    );
    expect(errors).toBeUndefined();
    expect(data?.sharedLink.assets).toEqual([
      {
        id: assetId,
        accessLimitedUserIds: [],
        accessLimitedOrganisationIds: [],
        authBypassIds: [],
        modifiedBy: null,
        checkout: null,
      },
    ]);
  });

  it('are shown to a logged-in user who may read the asset', async () => {
    const { errors, data } = await api.graphql(
      `query($id: ID!) { asset(id: $id) { ${INTERNALS} } }`,
      { id: assetId },
      editor,
    );
    expect(errors).toBeUndefined();
    expect(data?.asset).toEqual({
      accessLimitedUserIds: [],
      accessLimitedOrganisationIds: ['org-1'],
      authBypassIds: ['bypass-1'],
      modifiedBy: { id: editor.id },
      checkout: { checkedOutBy: editor.username, user: { id: editor.id } },
    });
  });
});
