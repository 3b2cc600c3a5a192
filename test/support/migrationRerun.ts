import { startTestServer, type TestServer } from './testServer.js';

/**
 * Stops `api`, forgets that migration `name` was applied, and starts a server again on the same data: that
 * migration then runs on whatever the test wrote into the database, as it would on an older database.
 */
export async function restartRerunning(api: TestServer, name: string): Promise<TestServer> {
  await api.stop();
  await api.sql('delete from mikro_orm_migrations where name like ?', [`${name}%`]);
  return startTestServer({ dataDir: api.dataDir });
}
