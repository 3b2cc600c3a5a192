import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A staged upload not written to for this long was left by a process that stopped, whoever wrote it. */
export const ABANDONED_AFTER_MS = 60 * 60 * 1000;

const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';
// Tells this process apart from an earlier one that had the same pid (pid 1 in every container start).
const STARTED = Math.round(performance.timeOrigin).toString(36);
const OWN_PREFIX = `${HOST}.${process.pid}.${STARTED}.`;
const NAME = /^([A-Za-z0-9-]+)\.(\d+)\.([0-9a-z]+)\.[0-9a-f]+$/;

/**
 * The name of a new staging file or object: `<host>.<pid>.<process start>.<random>`. It says which process
 * writes it, so that a start on the same host can tell the leftovers of a killed process from the uploads
 * another live instance is writing into the same folder or bucket right now.
 */
export function newStagingName(): string {
  return OWN_PREFIX + randomBytes(12).toString('hex');
}

/**
 * Whether a staging file or object is a leftover that no process will finish: its writer on this host is
 * gone (kill -9, a crash), or it is older than ABANDONED_AFTER_MS (a writer on another host, or a name
 * from before these names). A writer on another host may still be at it, so only the age decides there.
 */
export function isLeftBehind(name: string, lastModifiedMs: number, now = Date.now()): boolean {
  if (lastModifiedMs < now - ABANDONED_AFTER_MS) return true;
  const parts = NAME.exec(name);
  if (!parts || parts[1] !== HOST) return false;
  const pid = Number(parts[2]);
  if (pid === process.pid) return parts[3] !== STARTED;
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else (a pid reused by another program).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
