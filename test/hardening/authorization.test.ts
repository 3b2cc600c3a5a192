import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, untilUploaded, uploadAs } from '../support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer, type TestUser } from '../support/testServer.js';
import { cookieSession } from '../support/woodwingCalls.js';
import { type Actor, ASSET_ROUTES, type AssetRoute, type Kind, type Target } from './authorizationRoutes.js';
import { type RawResponse, runBounded, sendRaw } from './badInputs.js';

/**
 * Issue #17, authorization across surfaces: every route that reads, downloads, changes or shares an asset,
 * tried as someone who may not, on a live asset of a CONTRIBUTOR and on its access-limited draft. No such
 * request may succeed, and a refused read of the draft must answer as a read of an asset that does not exist
 * ("to everyone else it does not exist", README Roles), except where GOV.UK's reference says otherwise.
 */

type Aim = 'live' | 'draft';

/** An actor and what it may do: anything it may not do must be refused. */
interface Trial extends Actor {
  may(kind: Kind, aim: Aim): boolean;
  /** It is no one to whom the draft may exist: its refused reads must look like reads of nothing. */
  hidesDraft: boolean;
}

const NOBODY = () => false;

/** A 1x1 PNG: an image is its own preview, so that every download route has something to serve. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** An asset of the owner's, a PNG, with these UploadAssetInput fields. */
const ownersImage = (owner: TestUser, input: Record<string, unknown>) =>
  uploadAs(api, owner.token, { name: `image-${Math.random().toString(36).slice(2, 8)}.png`, content: PNG, input });

let api: TestServer;
let trials: Trial[];
const targets = {} as Record<Aim, Target>;
/** A well-formed id that no asset has. */
const ABSENT: Target = { id: 'Absent0Asset0Id0000000', name: '' };
const unauthorizedSuccesses = new Map<string, string[]>();
const existenceLeaks = new Map<string, string[]>();
let tried = 0;
/** The routes whose request, made by the asset's owner on an asset of its own, did not succeed. */
const failedControls: string[] = [];

async function sharedLink(token: string, subject: string, assetIds: string[], extra: object): Promise<string> {
  const input = { subject, validUntil: '2099-01-01T00:00:00Z', assetIds, ...extra };
  const mutation = 'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }';
  return (await dataOf(api, mutation, { input }, token)).createAuthKey.key;
}

/** Links of the owner's on both assets: one revoked, one expired, one that only asks for uploads. */
async function refusedLinks(ownerToken: string, assetIds: string[]): Promise<Record<string, string>> {
  const rights = { downloadOriginal: true, downloadPreview: true };
  const revoked = await sharedLink(ownerToken, 'revoked', assetIds, rights);
  await dataOf(api, 'mutation($k: [String!]!) { revokeAuthKeys(keys: $k) }', { k: [revoked] }, ownerToken);
  const soon = new Date(Date.now() + 1500).toISOString();
  const expired = await sharedLink(ownerToken, 'expired', assetIds, { ...rights, validUntil: soon });
  const uploadOnly = await sharedLink(ownerToken, 'upload only', assetIds, {
    requestUpload: true,
    downloadOriginal: false,
    downloadPreview: false,
    importFolderPath: '/authorization/uploads',
  });
  await eventually(async () => {
    const opened = await api.graphql('query($k: String!) { sharedLink(key: $k) { __typename } }', { k: expired });
    return opened.data?.sharedLink ? undefined : true;
  });
  return { revoked, expired, uploadOnly };
}

/** Each route as the owner, on a fresh asset of its own: what a refusal above is measured against. */
async function runControls(owner: TestUser): Promise<void> {
  const actor = { name: 'owner', headers: { authorization: `Bearer ${owner.token}` } };
  await runBounded(ASSET_ROUTES, 4, async (route) => {
    const asset = await ownersImage(owner, { folderPath: '/authorization/controls' });
    await untilUploaded(api, owner.token, asset.id);
    if (!route.succeeded(await sendRaw(api.url, route.request(asset, actor)))) failedControls.push(route.name);
  });
}

async function makeTrials(owner: TestUser): Promise<Trial[]> {
  const other = await api.createUser('CONTRIBUTOR');
  const viewer = await api.createUser('VIEWER');
  const live = await ownersImage(owner, { folderPath: '/authorization' });
  const draft = await ownersImage(owner, {
    folderPath: '/authorization',
    draft: true,
    accessLimitedUserIds: [owner.id],
  });
  await Promise.all([live, draft].map((asset) => untilUploaded(api, owner.token, asset.id)));
  targets.live = live;
  targets.draft = draft;
  ABSENT.name = draft.name;
  const links = await refusedLinks(owner.token, [live.id, draft.id]);
  const ownerCookie = await cookieSession(api.url, owner.username, owner.password, false);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return [
    {
      name: 'another CONTRIBUTOR',
      headers: bearer(other.token),
      hidesDraft: true,
      may: (k, a) => a === 'live' && k !== 'change',
    },
    {
      name: 'a VIEWER',
      headers: bearer(viewer.token),
      hidesDraft: true,
      may: (k, a) => a === 'live' && ['read', 'download'].includes(k),
    },
    { name: 'anonymous', headers: {}, hidesDraft: true, may: NOBODY },
    { name: 'a revoked shared link', headers: {}, authKey: links.revoked, hidesDraft: true, may: NOBODY },
    { name: 'an expired shared link', headers: {}, authKey: links.expired, hidesDraft: true, may: NOBODY },
    { name: 'an upload-only shared link', headers: {}, authKey: links.uploadOnly, hidesDraft: true, may: NOBODY },
    {
      name: "the owner's session cookie without the CSRF header",
      headers: ownerCookie,
      hidesDraft: false,
      may: (k) => k === 'read' || k === 'download',
    },
  ];
}

/** An answer with the asset's id and name taken out, to compare answers about two assets. */
const normalised = ({ status, body }: RawResponse, target: Target) =>
  `${status} ${body.replaceAll(target.id, '<id>').replaceAll(encodeURIComponent(target.name), '<name>')}`;

/** Deletions last: a wrongly allowed one would take the asset away from the cases after it. */
const removes = (route: AssetRoute) => /delete|remove/i.test(route.name);

function note(map: Map<string, string[]>, actor: string, what: string): void {
  map.set(actor, [...(map.get(actor) ?? []), what]);
}

async function tryRoute(trial: Trial, route: AssetRoute): Promise<void> {
  for (const aim of ['live', 'draft'] as const) {
    const allowed = trial.may(route.kind, aim) || (route.govukMedia && aim === 'live');
    if (allowed) continue;
    const response = await sendRaw(api.url, route.request(targets[aim], trial));
    tried += 1;
    if (route.succeeded(response)) note(unauthorizedSuccesses, trial.name, `${route.name} on the ${aim} asset`);
    if (
      aim === 'draft' &&
      trial.hidesDraft &&
      (route.kind === 'read' || route.kind === 'download') &&
      !route.govukMedia
    ) {
      const absent = await sendRaw(api.url, route.request(ABSENT, trial));
      tried += 1;
      const [seen, none] = [normalised(response, targets.draft), normalised(absent, ABSENT)];
      if (seen !== none)
        note(existenceLeaks, trial.name, `${route.name}: draft ${seen.slice(0, 200)} | none ${none.slice(0, 200)}`);
    }
  }
}

beforeAll(async () => {
  api = await startTestServer();
  const owner = await api.createUser('CONTRIBUTOR');
  await runControls(owner);
  trials = await makeTrials(owner);
  const pairs = trials.flatMap((trial) => ASSET_ROUTES.map((route) => ({ trial, route })));
  const run = (list: typeof pairs) => runBounded(list, 4, ({ trial, route }) => tryRoute(trial, route));
  await run(pairs.filter(({ route }) => !removes(route)));
  await run(pairs.filter(({ route }) => removes(route)));
}, 60_000);

afterAll(async () => {
  const count = (map: Map<string, string[]>) => [...map.values()].flat().length;
  console.log(
    `Authorization sweep: ${tried} requests tried over ${ASSET_ROUTES.length} routes and ${trials?.length} actors, ` +
      `${count(unauthorizedSuccesses)} unauthorized successes, ${count(existenceLeaks)} answers that show a hidden asset exists`,
  );
  await api?.close();
});

describe('authorization across surfaces', () => {
  const ACTORS = [
    'another CONTRIBUTOR',
    'a VIEWER',
    'anonymous',
    'a revoked shared link',
    'an expired shared link',
    'an upload-only shared link',
    "the owner's session cookie without the CSRF header",
  ];

  it('lets the owner of an asset do each of these on it, so that each refusal below is a refusal', () => {
    expect(failedControls).toEqual([]);
  });

  it.each(ACTORS)('lets %s do nothing on an asset that it may not', (actor) => {
    expect(trials.map((trial) => trial.name)).toContain(actor);
    expect(unauthorizedSuccesses.get(actor) ?? []).toEqual([]);
  });

  it.each(ACTORS.slice(0, -1))('answers %s alike for an access-limited draft and for no asset at all', (actor) => {
    expect(existenceLeaks.get(actor) ?? []).toEqual([]);
  });

  it('opens nothing with a revoked or an expired shared link', async () => {
    for (const trial of trials.filter((t) => /revoked|expired/.test(t.name))) {
      const opened = await api.graphql('query($k: String!) { sharedLink(key: $k) { __typename } }', {
        k: trial.authKey,
      });
      expect(opened.data?.sharedLink ?? null).toBeNull();
    }
  });
});
