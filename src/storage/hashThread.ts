// A thread that hashes streams (md5 and sha256) for the main thread, which only copies their bytes into
// memory shared with it.
// It imports node: modules only: under vitest it runs from its .ts source, stripped of types by Node.
// Messages on one port arrive in order, so a job's open, bytes and end are handled in the order sent.
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

import type { HashReply, HashRequest } from './hashMessages.js';

const port = parentPort;
if (!port) throw new Error('hashThread runs as a worker thread');

const jobs = new Map<number, { md5: Hash; sha256: Hash; slots: SharedArrayBuffer; slotBytes: number }>();

function reply(message: HashReply): void {
  port?.postMessage(message);
}

port.on('message', (message: HashRequest) => {
  if (message.op === 'open') {
    const { slots, slotBytes } = message;
    jobs.set(message.job, { md5: createHash('md5'), sha256: createHash('sha256'), slots, slotBytes });
    return;
  }
  const job = jobs.get(message.job);
  if (message.op === 'bytes') {
    if (job) {
      const bytes = new Uint8Array(job.slots, message.slot * job.slotBytes, message.length);
      job.md5.update(bytes);
      job.sha256.update(bytes);
    }
    reply({ job: message.job, op: 'hashed', slot: message.slot });
    return;
  }
  jobs.delete(message.job);
  if (message.op === 'end') {
    if (job) reply({ job: message.job, op: 'digests', md5: job.md5.digest('hex'), sha256: job.sha256.digest('hex') });
    else reply({ job: message.job, op: 'failed', message: 'the hash thread has no such job' });
  }
});
