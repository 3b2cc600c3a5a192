import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subscription } from './support/assetChangedSubscription.js';
import { eventually, startTestServer, type TestServer, type TestUser } from './support/testServer.js';

const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }';
const REPLACE = 'mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { id } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id } }';
const SUBSCRIBE = `subscription($id: ID) { assetChanged(id: $id) {
  id metadata versions { versionNumber } history { action } createdBy { id }
} }`;

let api: TestServer;
let editor: TestUser;
let subscription: Subscription | undefined;

beforeAll(async () => {
  api = await startTestServer();
  editor = await api.createUser('EDITOR');
});
afterAll(async () => {
  subscription?.close();
  await api.close();
});

describe('assetChanged', () => {
  it("gives each event the asset's versions and history as they are then, not as an earlier event loaded them", async () => {
    const uploaded = await api.upload(UPLOAD, {}, { name: 'v.txt', content: 'first' }, editor);
    const id = uploaded.data?.uploadAsset.id as string;
    await eventually(async () => {
      const { data } = await api.graphql('query($id: ID!) { asset(id: $id) { state } }', { id }, editor);
      return data?.asset.state === 'UPLOADED' ? true : undefined;
    });
    subscription = await Subscription.open(api, SUBSCRIBE, { id }, editor.token);
    await subscription.untilLive(async (round) => {
      await api.graphql(UPDATE, { id, input: { metadata: { probe: round } } }, editor);
    }, id);

    await api.upload(REPLACE, { id }, { name: 'v.txt', content: 'second' }, editor);
    const change = (await subscription.next()).data?.assetChanged as unknown as {
      versions: { versionNumber: number }[];
      history: { action: string }[];
      createdBy: { id: string };
    };
    expect(change.versions.map((version) => version.versionNumber)).toEqual([1, 2]);
    expect(change.history.map((entry) => entry.action)).toContain('REPLACE_FILE');
    expect(change.createdBy.id).toBe(editor.id);
  });
});
