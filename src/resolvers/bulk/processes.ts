import { setImmediate } from 'node:timers/promises';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { type RequestContext, withEntityManager } from '../../context.js';
import { type BulkOperation, Process } from '../../db/entities/Process.js';
import { DomainError, NotFound } from '../../errors.js';
import { isWellFormedId, newId } from '../../ids.js';
import { createLoaders } from '../loaders.js';
import { requireViewer } from '../policy/access.js';

/** What a bulk operation did: assets it handled, and assets it could not (refused, locked, gone). */
export interface BulkResult {
  processedCount: number;
  errorCount: number;
}

/** The work of one bulk operation, checked and ready to run; `run` counts each asset on the tally. */
export interface BulkJob {
  operation: BulkOperation;
  run(ctx: RequestContext, tally: BulkTally): Promise<void>;
}

/** A request to stop, found at a checkpoint; it ends the run as CANCELLED. */
class CancelRequested extends Error {}

/** Counts a job's assets, and in the background writes its progress now and then and heeds a cancel. */
export class BulkTally implements BulkResult {
  processedCount = 0;
  errorCount = 0;
  private sinceCheckpoint = 0;
  private lastCheckpoint = Date.now();

  constructor(private readonly checkpoint?: (tally: BulkResult) => Promise<boolean>) {}

  processed(count = 1): Promise<void> {
    this.processedCount += count;
    return this.counted(count);
  }

  failed(): Promise<void> {
    this.errorCount++;
    return this.counted(1);
  }

  private async counted(count: number): Promise<void> {
    this.sinceCheckpoint += count;
    if (!this.checkpoint || (this.sinceCheckpoint < CHECKPOINT_EVERY && Date.now() - this.lastCheckpoint < 1000)) {
      return;
    }
    this.sinceCheckpoint = 0;
    this.lastCheckpoint = Date.now();
    if (!(await this.checkpoint({ processedCount: this.processedCount, errorCount: this.errorCount }))) {
      throw new CancelRequested();
    }
  }
}

const CHECKPOINT_EVERY = 25;
const HEARTBEAT_MS = 30_000;
/** A running process whose instance has not written for this long has died with it. */
const STALE_AFTER_MS = 10 * 60_000;
/** Finished processes are kept this long, for clients that ask late. */
const KEEP_FINISHED_MS = 7 * 24 * 3600_000;

/** The request's viewer and services, with an EntityManager and loaders of its own: one asset's work, isolated. */
export function isolatedContext(ctx: RequestContext): RequestContext {
  const em = ctx.em.fork();
  return withEntityManager(ctx, em, createLoaders(em));
}

/**
 * One asset of a bulk job: a domain error (refused, locked, gone) counts as an error and the job goes on.
 * Each asset gets its own EntityManager, so that a change refused half-way is never flushed with the next one.
 */
export async function countEach(
  ctx: RequestContext,
  tally: BulkTally,
  ids: readonly string[],
  work: (itemCtx: RequestContext, id: string) => Promise<boolean>,
): Promise<void> {
  for (const id of ids) {
    // The SQLite driver answers synchronously: without a turn of the event loop between assets, a job in the
    // background would hold off every other request until it is done.
    await setImmediate();
    let done: boolean;
    try {
      done = await work(isolatedContext(ctx), id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await tally.failed();
      continue;
    }
    // Work that was left alone on purpose (a policy said so) is neither processed nor an error.
    if (done) await tally.processed();
  }
}

async function finish(em: EntityManager, id: string, changes: Partial<Process>): Promise<void> {
  const now = new Date();
  await em.nativeUpdate(Process, { id }, { ...changes, updatedAt: now, finishedAt: now });
}

/** Runs the job to its end, recording it as a process; a domain error fails the process and is thrown on. */
async function runToEnd(ctx: RequestContext, processEm: EntityManager, id: string, job: BulkJob, tally: BulkTally) {
  try {
    await job.run(ctx, tally);
    await finish(processEm, id, { status: 'COMPLETED', ...counts(tally) });
  } catch (error) {
    if (error instanceof CancelRequested) {
      await finish(processEm, id, { status: 'CANCELLED', message: 'Cancelled on request', ...counts(tally) });
      return;
    }
    const message = error instanceof DomainError ? error.message : `Internal error (request ${ctx.requestId})`;
    await finish(processEm, id, { status: 'FAILED', message, ...counts(tally) });
    throw error;
  }
}

const counts = (tally: BulkResult) => ({ processedCount: tally.processedCount, errorCount: tally.errorCount });

/**
 * Runs a bulk job as a process. Waiting, it answers the finished process; with `background`, the process as it
 * starts, the job going on after the response (the WoodWing `async=true` of remove, updatebulk, copy and move).
 */
export async function runBulkJob(
  ctx: RequestContext,
  job: BulkJob,
  { background = false }: { background?: boolean | null | undefined } = {},
): Promise<Process> {
  const viewer = requireViewer(ctx);
  const processEm = ctx.em.fork();
  const now = new Date();
  await processEm.nativeDelete(Process, { finishedAt: { $lt: new Date(now.getTime() - KEEP_FINISHED_MS) } });
  const id = newId();
  await processEm.insert(Process, {
    id,
    operation: job.operation,
    status: 'RUNNING',
    startedBy: viewer.id,
    processedCount: 0,
    errorCount: 0,
    message: null,
    cancelRequested: false,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
  });
  if (!background) {
    await runToEnd(ctx, processEm, id, job, new BulkTally());
    return findProcess(processEm, id);
  }

  const heartbeat = setInterval(() => {
    processEm.nativeUpdate(Process, { id, finishedAt: null }, { updatedAt: new Date() }).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const tally = new BulkTally(async (progress) => {
    await processEm.nativeUpdate(Process, { id }, { ...progress, updatedAt: new Date() });
    const row = await processEm.findOne(Process, { id }, { fields: ['cancelRequested'], disableIdentityMap: true });
    return !row?.cancelRequested;
  });
  runToEnd(ctx, processEm, id, job, tally)
    .catch((error: unknown) => {
      if (!(error instanceof DomainError)) ctx.log.error({ err: error, processId: id }, 'bulk process failed');
    })
    .finally(() => clearInterval(heartbeat));
  return findProcess(processEm, id);
}

async function findProcess(em: EntityManager, id: string): Promise<Process> {
  const process = await em.findOne(Process, { id }, { disableIdentityMap: true });
  if (!process) throw new NotFound(`No process ${id}`);
  return process;
}

/** A process that was still RUNNING when its instance stopped is shown as what it is: failed. */
function asSeen(process: Process): Process {
  if (process.status !== 'RUNNING' || Date.now() - process.updatedAt.getTime() < STALE_AFTER_MS) return process;
  return { ...process, status: 'FAILED', message: 'The server running it stopped before it finished' };
}

/** A process, for the user who started it or an ADMIN; NOT_FOUND for anyone else. */
export async function getProcess(ctx: RequestContext, id: string): Promise<Process> {
  const viewer = requireViewer(ctx);
  const process = isWellFormedId(id) ? await ctx.em.findOne(Process, { id }, { disableIdentityMap: true }) : null;
  if (!process || (process.startedBy.id !== viewer.id && viewer.role !== 'ADMIN')) {
    throw new NotFound(`No process ${id} of yours`);
  }
  return asSeen(process);
}

/**
 * Asks a running process to stop; it stops at its next checkpoint, keeping what it did so far. A finished
 * process is answered as it is.
 */
export async function cancelProcess(ctx: RequestContext, id: string): Promise<Process> {
  const process = await getProcess(ctx, id);
  if (process.status !== 'RUNNING') return process;
  await ctx.em.nativeUpdate(Process, { id, finishedAt: null }, { cancelRequested: true });
  return { ...process, cancelRequested: true };
}
