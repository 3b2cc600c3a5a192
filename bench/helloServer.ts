// The baseline: the least a node:http server can do per request. Run as a child process by run.ts.
import { createServer } from 'node:http';

const body = 'hello world';
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
