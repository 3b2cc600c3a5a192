import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_APPLICATION_NAME } from '../src/events/PostgresAssetEvents.js';
import { SUBSCRIBE_ALL, Subscription } from './support/assetChangedSubscription.js';
import { codeOf, uploadAs } from './support/graphqlCalls.js';
import { TEST_DATABASE_URL } from './support/testDatabase.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';
import { postgresBinDir, startThrowawayPostgres, type ThrowawayPostgres } from './support/throwawayPostgres.js';

/*
 * Two instances of the service on one PostgreSQL database and one blob store (issue 8, item 5), as a load
 * balancer would put them: the same data folder, or the same S3 bucket when TEST_STORAGE_URL is set. Both run in
 * this process on ports of their own, and nothing passes between them but the database and the store.
 */

const POSTGRES_BIN = TEST_DATABASE_URL ? undefined : postgresBinDir();
const CAN_RUN = TEST_DATABASE_URL !== undefined || POSTGRES_BIN !== undefined;
if (!CAN_RUN) {
  console.log(
    'test/multiInstance.test.ts: the multi-instance tests were SKIPPED: they need PostgreSQL, and neither ' +
      'TEST_DATABASE_URL is set nor initdb/pg_ctl found (apt-get install postgresql). To run them: ' +
      'TEST_DATABASE_URL=$(scripts/start-postgres.sh /tmp/agpg 55432) npx vitest run test/multiInstance.test.ts',
  );
}
const CLAMD_URL = process.env.CLAMD_URL;

type User = { id: string; username: string; token: string };

const FIELDS = 'id name state';
const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { ${FIELDS} } }`;
const CHECKOUT = 'mutation($id: ID!) { checkout(assetId: $id) { checkedOutBy } }';
const HOLDER = 'query($id: ID!) { asset(id: $id) { checkout { checkedOutBy } } }';
const STATE = 'query($id: ID!) { asset(id: $id) { state } }';
const VIEWER = 'query { viewer { username } }';
const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const LOGOUT = 'mutation { logout }';

/** A wait for scans (a real clamd when CLAMD_URL is set) and for a reconnect after a dropped connection. */
const WAIT_MS = 60_000;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const upload = (api: TestServer, user: User, name: string, content: Uint8Array | string) =>
  uploadAs<{ id: string; name: string; state: string }>(api, user.token, { name, content, fields: FIELDS });

async function mutate(api: TestServer, user: User, query: string, variables: Record<string, unknown>) {
  const result = await api.graphql(query, variables, { token: user.token });
  if (result.errors) throw new Error(`mutation failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function untilUploaded(api: TestServer, user: User, id: string): Promise<void> {
  await eventually(async () => {
    const result = await api.graphql<{ asset: { state: string } | null }>(STATE, { id }, { token: user.token });
    return result.data?.asset?.state === 'UPLOADED' ? true : undefined;
  }, WAIT_MS);
}

describe.skipIf(!CAN_RUN)('two instances on one database and one blob store', () => {
  let cluster: ThrowawayPostgres | undefined;
  let first: TestServer;
  let second: TestServer;
  let editor: User;
  let viewer: User;
  let probeAsset: { id: string };
  const subscriptions: Subscription[] = [];
  const instances = () => ({ first, second });

  /**
   * A subscription on `on`, returned once it receives changes made through `through` (probe changes until
   * one arrives), which also proves the path from one instance to the other.
   */
  async function subscribedAcross(on: TestServer, through: TestServer): Promise<Subscription> {
    const subscription = await Subscription.open(on, SUBSCRIBE_ALL, {}, viewer.token);
    subscriptions.push(subscription);
    await subscription.untilLive(async (round) => {
      await mutate(through, editor, UPDATE, { id: probeAsset.id, input: { metadata: { probe: round } } });
    }, probeAsset.id);
    return subscription;
  }

  beforeAll(async () => {
    if (POSTGRES_BIN) cluster = await startThrowawayPostgres(POSTGRES_BIN);
    const env: Record<string, string> = {
      ...(cluster ? { DATABASE_URL: cluster.url } : {}),
      ...(CLAMD_URL ? { CLAMD_URL } : {}),
    };
    first = await startTestServer({ env });
    // The same data folder: the same database (and SQLite's place, unused here), blobs and secret key.
    second = await startTestServer({ env, dataDir: first.dataDir });
    editor = await first.createUser('EDITOR');
    viewer = await second.createUser('VIEWER');
    probeAsset = await upload(first, editor, 'probe.txt', 'probe');
    await untilUploaded(first, editor, probeAsset.id);
  }, 120_000);

  afterAll(async () => {
    for (const subscription of subscriptions) subscription.close();
    await second?.stop();
    await first?.close();
    await cluster?.stop();
  }, 60_000);

  it('runs both instances on PostgreSQL', async () => {
    const [row] = await first.sql('select version() as version');
    expect(String(row?.version)).toMatch(/^PostgreSQL/);
  });

  describe('sessions', () => {
    it('accepts a token from a login on one instance on the other', async () => {
      // createUser logs the new user in on the instance it is called on.
      const user = await first.createUser('VIEWER');
      const result = await second.graphql<{ viewer: { username: string } | null }>(VIEWER, {}, { token: user.token });
      expect(result.data?.viewer?.username).toBe(user.username);
    });

    it('ends on the other instance a session logged out through one, though that instance had just accepted it', async () => {
      const user = await second.createUser('VIEWER');
      expect(
        (await second.graphql<{ viewer: unknown }>(VIEWER, {}, { token: user.token })).data?.viewer,
      ).not.toBeNull();
      expect((await first.graphql(LOGOUT, {}, { token: user.token })).data).toEqual({ logout: true });
      const result = await second.graphql<{ viewer: unknown }>(VIEWER, {}, { token: user.token });
      expect(result.data).toEqual({ viewer: null });
    });

    it('refuses a username on both instances after ten failed logins spread over them', async () => {
      const target = await first.createUser('VIEWER');
      for (let attempt = 1; attempt <= 10; attempt++) {
        const api = attempt % 2 === 0 ? first : second;
        const failed = await api.graphql(LOGIN, { u: target.username, p: 'a-wrong-password' });
        expect(codeOf(failed)).toBe('UNAUTHENTICATED');
      }
      for (const api of [first, second]) {
        const refused = await api.graphql(LOGIN, { u: target.username, p: 'a-wrong-password' });
        expect(codeOf(refused)).toBe('FORBIDDEN');
      }
    }, 90_000);
  });

  describe('checkout', () => {
    it('lets exactly one of 20 users racing through both instances win; the other 19 get CONFLICT', async () => {
      const racers = await Promise.all(Array.from({ length: 20 }, () => first.createUser('EDITOR')));
      const asset = await upload(first, editor, 'contested.txt', `contested ${randomBytes(8).toString('hex')}`);
      await untilUploaded(second, editor, asset.id);

      const results = await Promise.all(
        racers.map((racer, index) => (index % 2 === 0 ? first : second).graphql(CHECKOUT, { id: asset.id }, racer)),
      );
      const winners = racers.filter((_racer, index) => results[index]?.data?.checkout);
      const conflicts = results.filter((result) => result.errors && codeOf(result) === 'CONFLICT');
      expect(winners).toHaveLength(1);
      expect(conflicts).toHaveLength(19);
      for (const api of [first, second]) {
        const holder = await api.graphql<{ asset: { checkout: { checkedOutBy: string } } }>(
          HOLDER,
          { id: asset.id },
          { token: editor.token },
        );
        expect(holder.data?.asset.checkout.checkedOutBy).toBe(winners[0]?.username);
      }
    }, 120_000);
  });

  describe('files', () => {
    it.each([
      ['first', 'second'],
      ['second', 'first'],
    ] as const)('serves through the %s instance the bytes of an upload through the %s, once scanned', async (to, from) => {
      const content = randomBytes(256 * 1024);
      const asset = await upload(instances()[from], editor, 'shared.bin', content);
      await untilUploaded(instances()[to], editor, asset.id);
      const response = await fetch(`${instances()[to].url}/media/${asset.id}/shared.bin`);
      expect(response.status).toBe(200);
      expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(content));
    });
  });

  describe('assetChanged', () => {
    it.each([
      ['second', 'first'],
      ['first', 'second'],
    ] as const)('a subscriber on the %s instance receives a change made through the %s', async (on, through) => {
      const asset = await upload(first, editor, 'watched.txt', 'watched');
      await untilUploaded(first, editor, asset.id);
      const subscription = await subscribedAcross(instances()[on], instances()[through]);
      await mutate(instances()[through], editor, UPDATE, { id: asset.id, input: { metadata: { title: through } } });
      const change = await subscription.nextChangeOf(asset.id);
      expect(change.metadata).toEqual({ title: through });
    });

    it('a subscriber on one instance sees an upload through the other become UPLOADED', async () => {
      const subscription = await subscribedAcross(second, first);
      const asset = await upload(first, editor, 'scanned.txt', 'to be scanned');
      const changes = await subscription.changesUntil(
        (change) => change.id === asset.id && change.state === 'UPLOADED',
      );
      expect(changes.at(-1)).toMatchObject({ id: asset.id, state: 'UPLOADED' });
    });

    it('a subscriber receives a change made through its own instance once, not again from the database', async () => {
      const asset = await upload(first, editor, 'once.txt', 'once');
      await untilUploaded(first, editor, asset.id);
      const subscription = await subscribedAcross(first, second);
      await mutate(first, editor, UPDATE, { id: asset.id, input: { metadata: { title: 'once' } } });
      // A change through the other instance comes through the database, after any echo of the first one.
      await mutate(second, editor, UPDATE, { id: probeAsset.id, input: { metadata: { sentinel: true } } });
      const changes = await subscription.changesUntil(
        (change) => change.id === probeAsset.id && !!change.metadata.sentinel,
      );
      expect(changes.filter((change) => change.id === asset.id)).toHaveLength(1);
    });

    it('after the database drops the event connections, they come back and changes again reach the other instance', async () => {
      const subscription = await subscribedAcross(second, first);
      const eventConnections = 'from pg_stat_activity where application_name = ? and datname = current_database()';
      const cut = await first.sql(`select pg_terminate_backend(pid) as cut, now() as at ${eventConnections}`, [
        EVENTS_APPLICATION_NAME,
      ]);
      expect(cut.map((row) => row.cut)).toEqual([true, true]);
      await eventually(async () => {
        const rows = await first.sql(`select count(*) as connections ${eventConnections} and backend_start > ?`, [
          EVENTS_APPLICATION_NAME,
          cut[0]?.at,
        ]);
        return Number(rows[0]?.connections) === 2 ? true : undefined;
      }, WAIT_MS);
      const asset = await upload(second, editor, 'after-the-cut.txt', 'after the cut');
      await untilUploaded(second, editor, asset.id);
      // untilLive probes until the change arrives: changes made while the connection was down are not replayed.
      await subscription.untilLive(async (round) => {
        await mutate(first, editor, UPDATE, { id: asset.id, input: { metadata: { probe: round } } });
      }, asset.id);
      await mutate(first, editor, UPDATE, { id: asset.id, input: { metadata: { title: 'after the cut' } } });
      const change = await subscription.nextChangeOf(asset.id);
      expect(change.metadata.title).toBe('after the cut');
    }, 120_000);
  });
});
