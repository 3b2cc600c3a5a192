import { type AddressInfo, createServer, type Socket } from 'node:net';

/** The EICAR test string: every anti-virus, this stand-in too, finds it. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface FakeClamd {
  /** tcp://127.0.0.1:<port>, for CLAMD_URL. */
  url: string;
  /** The files it has given a verdict on, as text, in order. */
  scanned: string[];
  /** While true, it reads each file but never answers (a scan that takes forever). */
  hanging: boolean;
  close(): Promise<void>;
}

/**
 * A stand-in for clamd that speaks its INSTREAM protocol on loopback (zPING too): FOUND for a file holding
 * the EICAR string, OK for any other. Lets a test hold scans in the queue without a real clamd.
 */
export async function startFakeClamd(): Promise<FakeClamd> {
  const sockets = new Set<Socket>();
  const fake: FakeClamd = {
    url: '',
    scanned: [],
    hanging: false,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    let commandRead = false;
    const file: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!commandRead) {
        const end = pending.indexOf(0);
        if (end < 0) return;
        const command = pending.subarray(0, end).toString();
        pending = pending.subarray(end + 1);
        commandRead = true;
        if (command === 'zPING') {
          socket.end('PONG\0');
          return;
        }
      }
      while (pending.length >= 4) {
        const length = pending.readUInt32BE(0);
        if (length === 0) {
          if (fake.hanging) return;
          const text = Buffer.concat(file).toString('latin1');
          fake.scanned.push(text);
          socket.end(text.includes(EICAR) ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (pending.length < 4 + length) return;
        file.push(pending.subarray(4, 4 + length));
        pending = pending.subarray(4 + length);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.url = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
