// The upload anchor: bare Node parsing a multipart request with busboy and streaming each file part to disk,
// synced before the answer (as the gateway's blob store does), then removed. Nothing else: no hashing, no
// GraphQL, no database. Run as a child process by files.ts with DIR set; GET /ready answers without a body.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

const dir = process.env.DIR ?? '';

async function writeSynced(bytes: NodeJS.ReadableStream): Promise<number> {
  const path = join(dir, randomBytes(8).toString('hex'));
  await pipeline(bytes, createWriteStream(path));
  const file = await open(path, 'r');
  const { size } = await file.stat();
  await file.sync();
  await file.close();
  await unlink(path);
  return size;
}

createServer((req, res) => {
  if (req.method !== 'POST') {
    res.end('ok');
    return;
  }
  const written: Promise<number>[] = [];
  const parser = busboy({ headers: req.headers });
  parser.on('file', (_name, bytes) => written.push(writeSynced(bytes)));
  parser.on('close', async () => {
    const sizes = await Promise.all(written);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { uploadAsset: { id: 'sink', size: sizes.reduce((sum, n) => sum + n, 0) } } }));
  });
  req.pipe(parser);
}).listen(Number(process.env.PORT), '127.0.0.1');
