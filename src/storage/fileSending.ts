import { createHash } from 'node:crypto';
import { close, open, read } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream';
import { type ByteRange, DamagedBlob } from './BlobStore.js';

/**
 * Reads are this large and reuse their buffers: a download allocates nothing per chunk. Fresh buffers (as
 * createReadStream's) are memory outside V8's heap, and every 64 MiB of them sent costs a full garbage
 * collection of the whole server's heap; at 10 connections that was about a fifth of a download's CPU.
 */
const CHUNK_BYTES = 256 * 1024;
/** Chunks of one download handed to the destination and not yet written out: one is read while these go. */
const CHUNKS_IN_FLIGHT = 4;
/** Free buffers kept for the next download (16 MiB at most); a buffer beyond them is left to the GC. */
const FREE_BUFFERS_KEPT = 64;

const freeBuffers: Buffer[] = [];

function takeBuffer(): Buffer {
  return freeBuffers.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}

function giveBack(buffer: Buffer): void {
  if (freeBuffers.length < FREE_BUFFERS_KEPT) freeBuffers.push(buffer);
}

/** Opens a file for reading: the error of open(2) (ENOENT when there is none) before anything is written. */
export function openForSending(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'r', (error, fd) => (error ? reject(error) : resolve(fd))));
}

/** A whole file sent while its sha256 is checked against its key, the last chunk held until it matches. */
export interface SendingCheck {
  key: string;
  size: number;
  onVerdict(intact: boolean): void;
}

/**
 * Writes the file's bytes (all, or `range`) into `destination` and ends it; resolves once it has finished,
 * rejects when it is destroyed first (a client that went away) or a read fails. Always closes `fd`, and
 * only once no read of it is under way. With `check` (the whole file), rejects with DamagedBlob instead of
 * writing the last chunk when the bytes do not hash to the key, the destination left untouched when
 * nothing was written yet (so the caller may still answer an error) and destroyed otherwise.
 */
export function sendOpenFile(
  fd: number,
  destination: Writable,
  range?: ByteRange,
  check?: SendingCheck,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let position = range?.start ?? 0;
    const end = range ? range.end + 1 : (check?.size ?? Number.POSITIVE_INFINITY);
    const hash = check ? createHash('sha256') : null;
    let written = false;
    let inFlight = 0;
    let reading = false;
    let allRead = false;
    let stopped: { error: Error | undefined } | null = null;
    let closed = false;

    const closeWhenIdle = () => {
      if (!stopped || reading || closed) return;
      closed = true;
      const { error } = stopped;
      close(fd, () => (error ? reject(error) : resolve()));
    };
    const stop = (error: Error | undefined) => {
      stopped ??= { error };
      closeWhenIdle();
    };
    // Finished, or destroyed before it was (the client went away).
    finished(destination, (error) => stop(error ?? undefined));

    const endDestination = () => {
      allRead = true;
      destination.end();
    };
    const readNext = () => {
      if (stopped || reading || allRead || inFlight >= CHUNKS_IN_FLIGHT) return;
      reading = true;
      const buffer = takeBuffer();
      read(fd, buffer, 0, Math.min(CHUNK_BYTES, end - position), position, (error, bytesRead) => {
        reading = false;
        if (hash && check && !error && !stopped) {
          hash.update(buffer.subarray(0, bytesRead));
          const complete = position + bytesRead >= end;
          // The end of the file, or less of it than its size (truncated since it was opened).
          if (complete || bytesRead === 0) {
            const intact = complete && hash.digest('hex') === check.key;
            check.onVerdict(intact);
            if (!intact) {
              giveBack(buffer);
              const damaged = new DamagedBlob(check.key, 'its bytes do not hash to its key');
              stop(damaged);
              if (written) destination.destroy(damaged);
              return;
            }
          }
        }
        if (error || stopped || bytesRead === 0) {
          giveBack(buffer);
          if (error) {
            stop(error);
            destination.destroy(error);
          } else if (stopped) closeWhenIdle();
          else endDestination();
          return;
        }
        position += bytesRead;
        inFlight++;
        written = true;
        destination.write(bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead), (writeError) => {
          inFlight--;
          // After a failed write the buffer is dropped, not reused: nothing is lost by being careful there.
          if (!writeError) giveBack(buffer);
          readNext();
        });
        if (position >= end) endDestination();
        else readNext();
      });
    };
    readNext();
  });
}
