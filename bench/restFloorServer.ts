// The REST floor: bare node:http doing what the gateway's GOV.UK `GET /assets/:id` must do on SQLite once its
// credential is held in memory, and nothing else: the credential epoch and the asset read by two prepared
// statements (better-sqlite3, as the gateway's), the bearer's secret hashed and compared in constant time with
// its stored hash, the answer's JSON written with a request id. No router, request context, loaders, metrics
// or log line: the gap between it and the gateway is what the gateway's layers cost. Run as a child process by
// throughput.ts with DB (the gateway's SQLite file, opened read-only) and TOKEN (the bench's bearer token).
import { hash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';

const database = new Database(process.env.DB ?? '', { readonly: true });
database.pragma('cache_size = -65536');
const epoch = database.prepare('select epoch from credential_epoch where id = 1');
const asset = database.prepare('select * from assets where id = ?');
const [, tokenId = ''] = (process.env.TOKEN ?? '').split('.');
const [stored] = database
  .prepare('select secret_hash from sessions where id = ? union all select secret_hash from api_tokens where id = ?')
  .all(tokenId, tokenId);
const storedHash = Buffer.from(String(stored?.secret_hash), 'hex');

/** An answer with no body: the readiness probe's 200, or why the asset is not sent. */
function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

createServer((req, res) => {
  if (req.url === '/ready') return sendEmpty(res, 200);
  const requestId = randomUUID();
  const secret = /^Bearer\s+\S+\.\S+\.(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const presented = secret === undefined ? undefined : hash('sha256', secret, 'buffer');
  epoch.all();
  if (!presented || presented.length !== storedHash.length || !timingSafeEqual(presented, storedHash)) {
    return sendEmpty(res, 401);
  }
  const [row] = asset.all((req.url ?? '').split('/')[2]);
  if (!row) return sendEmpty(res, 404);
  const origin = `http://${req.headers.host}`;
  const body = JSON.stringify({
    _response_info: { status: 'ok' },
    id: `${origin}/assets/${row.id}`,
    name: row.name,
    content_type: row.content_type,
    size: row.size,
    file_url: `${origin}/media/${row.id}/${encodeURIComponent(String(row.name))}`,
    state: String(row.state).toLowerCase(),
    draft: Boolean(row.draft),
    deleted: row.deleted_at != null,
  });
  res.writeHead(200, {
    'x-request-id': requestId,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
