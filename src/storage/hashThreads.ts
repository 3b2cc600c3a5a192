import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hashMessages.js';

// Under vitest this module runs from its .ts source, and so does the thread (Node strips its types).
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './hashThread.ts' : './hashThread.js', import.meta.url);
// One core stays for the main thread; a few uploads at once share each hash thread.
const THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));

type Listener = (reply: HashReply) => void;

interface HashThread {
  worker: Worker;
  listeners: Map<number, Listener>;
}

/** One job on a hash thread: what the main thread sends it, until the job's last reply. */
export interface HashJob {
  readonly id: number;
  send(request: HashRequest): void;
  /** The job had its last reply: its listener goes, and the thread may let the process exit when idle. */
  finish(): void;
}

const threads: HashThread[] = [];
let lastJob = 0;

function startThread(): HashThread {
  const thread: HashThread = { worker: new Worker(WORKER_URL), listeners: new Map() };
  const fail = (error: Error) => {
    const index = threads.indexOf(thread);
    if (index >= 0) threads.splice(index, 1);
    for (const [job, listener] of thread.listeners) {
      listener({ job, op: 'failed', message: `the hash thread stopped: ${error.message}` });
    }
    thread.listeners.clear();
  };
  thread.worker.on('message', (reply: HashReply) => thread.listeners.get(reply.job)?.(reply));
  thread.worker.on('error', fail);
  thread.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  // Idle threads do not keep the process alive; a job in progress does.
  thread.worker.unref();
  threads.push(thread);
  return thread;
}

/** The least busy thread, a new one while there are fewer than THREADS. */
function pickThread(): HashThread {
  const idle = threads.find((thread) => thread.listeners.size === 0);
  if (idle) return idle;
  if (threads.length < THREADS) return startThread();
  return threads.reduce((least, thread) => (thread.listeners.size < least.listeners.size ? thread : least));
}

/** Starts a job on a hash thread; `listener` hears every reply to it until `finish`. */
export function startHashJob(listener: Listener): HashJob {
  const thread = pickThread();
  const id = ++lastJob;
  if (thread.listeners.size === 0) thread.worker.ref();
  thread.listeners.set(id, listener);
  return {
    id,
    send(request) {
      thread.worker.postMessage(request);
    },
    finish() {
      if (thread.listeners.delete(id) && thread.listeners.size === 0) thread.worker.unref();
    },
  };
}
