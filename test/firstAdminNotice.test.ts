import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAt, type MainProcess, startMain } from './support/mainProcess.js';

/*
 * The first start on an empty data folder without ADMIN_PASSWORD: the generated password is shown to the person
 * who started the service, once, where they will see it, and kept out of the JSON log.
 */

let cwd: string;
let started: MainProcess;
let listening: string;
/** The stderr lines once the notice has been printed whole. */
let noticeLines: string[];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'asset-gateway-first-admin-'));
  started = startMain({ cwd, env: { DATA_DIR: join(cwd, 'data'), ADMIN_USERNAME: 'chief' } });
  listening = (await started.banner).listening as string;
  await new Promise<void>((done) => {
    const printed = () => {
      if (!/reset-password[^\n]*\n[\s\S]*=+\n/.test(started.stderr())) return;
      started.child.stderr?.off('data', printed);
      done();
    };
    started.child.stderr?.on('data', printed);
    printed();
  });
  noticeLines = started.stderr().split('\n');
});
afterAll(async () => {
  await started?.kill();
  await rm(cwd, { recursive: true, force: true });
});

/** The line that holds nothing but the password, indented. */
const passwordLine = () => noticeLines.find((line) => /^ {6}\S+$/.test(line)) as string;

describe('the first start without ADMIN_PASSWORD', () => {
  it('prints the generated password on a line of its own, and it logs the admin in', async () => {
    const password = passwordLine().trim();
    await expect(loginAt(listening, 'chief', password)).resolves.toMatch(/\S{20,}/);
  });

  it('says in words that the password is shown once and names the admin', () => {
    expect(noticeLines).toContain('  FIRST START: created the admin user "chief". Its password, shown only this once:');
  });

  it('says how to change the password', () => {
    expect(noticeLines).toContain('      npx asset-gateway users reset-password chief');
  });

  it('keeps the password out of the JSON log', () => {
    const password = passwordLine().trim();
    expect(started.logLines.length).toBeGreaterThan(1);
    expect(JSON.stringify(started.logLines)).not.toContain(password);
  });
});
