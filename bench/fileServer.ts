// The download baseline: plain Node serving one file from disk, fs.createReadStream piped to the response.
// Run as a child process by run.ts with FILE set; /ready answers without the file, every other path is the file.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.env.FILE ?? '';
const size = statSync(file).size;
createServer((req, res) => {
  if (req.url === '/ready') {
    res.end('ok');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  createReadStream(file).pipe(res);
}).listen(Number(process.env.PORT), '127.0.0.1');
