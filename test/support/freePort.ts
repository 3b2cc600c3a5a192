import { type AddressInfo, createServer } from 'node:net';

/** A loopback port that was free a moment ago, so nothing listens there unless a test starts something on it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
