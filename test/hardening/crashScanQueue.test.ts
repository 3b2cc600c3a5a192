import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServerData, childServerData } from '../support/childServer.js';
import { EICAR, type FakeClamd, startFakeClamd } from '../support/fakeClamd.js';
import { eventually } from '../support/testServer.js';

/*
 * Issue 17, crashes: the service is killed with SIGKILL while uploads wait in the scan queue, one of them in
 * the middle of its scan (clamd holds it without an answer), then started again on the same data. Every
 * waiting upload is scanned after the restart, and none is marked clean without clamd having read it.
 * Renditions waiting to be made are covered by crashRenditions.test.ts.
 */

const FILES = [
  { name: 'first.txt', content: 'first file, clean' },
  { name: 'second.txt', content: 'second file, clean' },
  { name: 'eicar.txt', content: `carries ${EICAR}` },
];

describe('SIGKILL with uploads waiting in the scan queue, then a restart', () => {
  let clamd: FakeClamd;
  let data: ChildServerData;
  const ids: Record<string, string> = {};
  let statesBeforeKill: string[];
  let scannedBeforeKill: number;
  let statesAfter: Record<string, string>;

  const stateOf = async (id: string) =>
    String((await data.sql('select state from assets where id = ?', [id]))[0]?.state);

  beforeAll(async () => {
    clamd = await startFakeClamd();
    clamd.hanging = true;
    data = await childServerData();
    const settings = { CLAMD_URL: clamd.url, STORAGE_URL: '' };
    const first = await data.start(settings);
    const token = await data.adminToken(first);
    for (const file of FILES) ids[file.name] = await data.upload(first, token, file.name, file.content);
    // One upload is claimed and its scan hangs; the others wait behind it.
    await eventually(async () => {
      const claimed = await data.sql('select id from assets where scan_attempts > 0');
      return claimed.length > 0 ? true : undefined;
    });
    statesBeforeKill = await Promise.all(Object.values(ids).map(stateOf));
    scannedBeforeKill = clamd.scanned.length;
    await first.kill9();

    clamd.hanging = false;
    const second = await data.start(settings);
    // The upload claimed by the killed process is free again once its claim runs out (30 s, unrenewed).
    statesAfter = await eventually(async () => {
      const states = Object.fromEntries(
        await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, await stateOf(id)] as const)),
      );
      return Object.values(states).includes('UNSCANNED') ? undefined : states;
    }, 90_000);
    await second.kill9();
  }, 150_000);
  afterAll(async () => {
    await data?.remove();
    await clamd?.close();
  });

  it('holds every upload UNSCANNED while its scan has no answer', () => {
    expect(statesBeforeKill).toEqual(['UNSCANNED', 'UNSCANNED', 'UNSCANNED']);
    expect(scannedBeforeKill).toBe(0);
  });

  it('scans the clean uploads after the restart and serves them', () => {
    expect(statesAfter['first.txt']).toBe('UPLOADED');
    expect(statesAfter['second.txt']).toBe('UPLOADED');
  });

  it('ends the EICAR upload INFECTED after the restart', () => {
    expect(statesAfter['eicar.txt']).toBe('INFECTED');
  });

  it('marks no upload clean without clamd having read its bytes', () => {
    const servable = FILES.filter((file) => statesAfter[file.name] === 'UPLOADED').map((file) => file.content);
    for (const content of servable) expect(clamd.scanned).toContain(content);
  });

  it('records one scan verdict per upload', async () => {
    const entries = await data.sql(`select asset_id from history_entries where action = 'SCAN'`);
    expect(entries.map((entry) => entry.asset_id).sort()).toEqual(Object.values(ids).sort());
  });
});
