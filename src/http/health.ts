import type { ServerResponse } from 'node:http';
import type { Orm } from '../db/orm.js';
import type { Scanner } from '../scan/Scanner.js';
import type { BlobStore } from '../storage/BlobStore.js';
import { sendJson } from './requestContext.js';

type CheckResult = 'ok' | 'off' | string;

async function check(run: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    // Only the kind of failure: the readiness answer is public, the details go to the log.
    return `failing: ${error instanceof Error ? error.name : 'error'}`;
  }
}

export function sendLive(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/** 200 when this instance can serve: the database answers, storage takes writes, the scanner (if on) answers. */
export async function sendReady(res: ServerResponse, orm: Orm, blobStore: BlobStore, scanner: Scanner): Promise<void> {
  const checks = {
    database: await check(() => orm.em.fork().getConnection().execute('select 1')),
    storage: await check(() => blobStore.checkWritable()),
    scanner: scanner.enabled ? await check(() => scanner.ping()) : 'off',
  };
  const ready = Object.values(checks).every((value) => value === 'ok' || value === 'off');
  sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks });
}
