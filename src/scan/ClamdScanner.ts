import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Scanner, ScanVerdict } from './Scanner.js';

/** Where clamd listens: `tcp://host:port`, or the path of its unix socket. */
export type ClamdAddress = { host: string; port: number } | { path: string };

export class ScanFailed extends Error {
  override readonly name = 'ScanFailed';
}

export interface ClamdOptions {
  connectTimeoutMs: number;
  scanTimeoutMs: number;
}

/** clamd reads INSTREAM in chunks, each behind its length as a 4-byte big-endian number; 0 ends it. */
const CHUNK_BYTES = 64 * 1024;

export function parseClamdUrl(url: string): ClamdAddress {
  if (url.startsWith('tcp://')) {
    const { hostname, port } = new URL(url);
    if (!hostname || !port) throw new Error('expected tcp://host:port');
    return { host: hostname, port: Number(port) };
  }
  if (url.startsWith('unix://')) return { path: url.slice('unix://'.length) };
  if (url.startsWith('/')) return { path: url };
  throw new Error('expected tcp://host:port or the absolute path of a unix socket');
}

function describeAddress(address: ClamdAddress): string {
  return 'path' in address ? `unix socket ${address.path}` : `tcp://${address.host}:${address.port}`;
}

/**
 * A clamd client speaking INSTREAM over TCP or a unix socket. The file streams through in chunks with
 * backpressure, never whole in memory. Anything but a clear OK or FOUND (a refused connection, a timeout,
 * clamd's stream size limit) is a ScanFailed: an error never counts as clean.
 */
export class ClamdScanner implements Scanner {
  readonly enabled = true;

  constructor(
    private readonly address: ClamdAddress,
    private readonly options: ClamdOptions,
  ) {}

  describe(): string {
    return `on: clamd at ${describeAddress(this.address)}`;
  }

  async ping(): Promise<void> {
    const reply = await this.converse(async (socket) => {
      socket.end('zPING\0');
    }, this.options.connectTimeoutMs);
    if (reply !== 'PONG') throw new ScanFailed(`clamd answered PING with ${JSON.stringify(reply)}`);
  }

  async scan(bytes: Readable): Promise<ScanVerdict> {
    const reply = await this.converse(async (socket) => {
      await write(socket, Buffer.from('zINSTREAM\0'));
      for await (const chunk of bytes as AsyncIterable<Buffer>) {
        for (let offset = 0; offset < chunk.length; offset += CHUNK_BYTES) {
          const part = chunk.subarray(offset, offset + CHUNK_BYTES);
          const length = Buffer.alloc(4);
          length.writeUInt32BE(part.length);
          await write(socket, length);
          await write(socket, part);
        }
      }
      socket.end(Buffer.alloc(4));
    }, this.options.scanTimeoutMs).finally(() => bytes.destroy());
    return verdictOf(reply);
  }

  /** Connects, lets `send` write the request, and resolves with clamd's whole reply, without its NUL. */
  private converse(send: (socket: Socket) => Promise<void>, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.address);
      const chunks: Buffer[] = [];
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(error instanceof ScanFailed ? error : new ScanFailed(`clamd: ${error.message}`));
      };
      const connectTimer = setTimeout(
        () => fail(new ScanFailed(`clamd did not accept a connection within ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      socket.setTimeout(timeoutMs, () => fail(new ScanFailed(`clamd did not answer within ${timeoutMs} ms`)));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      // clamd answers and closes as soon as a stream passes its size limit: its answer says why.
      socket.once('error', (error) => (chunks.length > 0 ? socket.destroy() : fail(error)));
      socket.once('close', () => {
        clearTimeout(connectTimer);
        if (settled) return;
        settled = true;
        resolve(Buffer.concat(chunks).toString('utf8').replace(/\0+$/, '').trim());
      });
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        // clamd stops reading once a stream passes its StreamMaxLength; its reply says so.
        send(socket).catch((error: Error) => {
          if (chunks.length === 0) fail(error);
        });
      });
    });
  }
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.writableEnded) {
      reject(new ScanFailed('clamd closed the connection'));
      return;
    }
    if (socket.write(data)) resolve();
    else {
      const onDrain = () => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        reject(new ScanFailed('clamd closed the connection'));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    }
  });
}

/** `stream: OK`, `stream: <signature> FOUND`, or an error such as `INSTREAM size limit exceeded. ERROR`. */
export function verdictOf(reply: string): ScanVerdict {
  if (/^stream: OK$/.test(reply)) return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found?.[1]) return { infected: true, signature: found[1] };
  throw new ScanFailed(`clamd could not scan the file: ${JSON.stringify(reply)}`);
}
