import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Encrypts secrets that must be shown again later (a shared link's key, to its creator), with AES-256-GCM
 * under the server's secret. Lookups never decrypt: they go by a hash of the secret.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** From SECRET_KEY, or else a key made on the first start and kept in DATA_DIR (one machine only). */
  static async open(secretKey: string | undefined, dataDir: string): Promise<SecretBox> {
    if (secretKey) return new SecretBox(createHash('sha256').update(secretKey).digest());
    const path = join(dataDir, 'secret.key');
    let stored: string;
    try {
      stored = (await readFile(path, 'utf8')).trim();
    } catch {
      stored = randomBytes(32).toString('base64url');
      await writeFile(path, `${stored}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
        stored = (await readFile(path, 'utf8')).trim();
      });
    }
    return new SecretBox(createHash('sha256').update(stored).digest());
  }

  /** A key of its own for one purpose (e.g. signing URLs), derived from the server's secret. */
  keyFor(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(purpose).digest();
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !body) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
