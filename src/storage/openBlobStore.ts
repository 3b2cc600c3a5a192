import type { Logger } from 'pino';
import { ConfigError } from '../config.js';
import type { BlobStore } from './BlobStore.js';
import { FileBlobStore } from './FileBlobStore.js';
import type { StorageSettings } from './storageUrl.js';

/**
 * The blob store STORAGE_URL names; a bucket that does not answer stops the start with the reason. The S3
 * client is loaded only for S3: its modules are a tenth of the heap that every full collection marks.
 */
export async function openBlobStore(settings: StorageSettings, log: Logger): Promise<BlobStore> {
  if (settings.kind === 'file') return FileBlobStore.open(settings.dir, log);
  try {
    const { S3BlobStore } = await import('./S3BlobStore.js');
    return await S3BlobStore.open(settings, log);
  } catch (error) {
    throw new ConfigError('STORAGE_URL', (error as Error).message);
  }
}
