import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(() => api.close());

describe('health checks', () => {
  it('says the process is live', async () => {
    const response = await fetch(`${api.url}/healthcheck/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('says it is ready when the database and storage work, and that scanning is off', async () => {
    const response = await fetch(`${api.url}/healthcheck/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', storage: 'ok', scanner: 'off' },
    });
  });

  it('answers an unknown path with 404 and JSON', async () => {
    const response = await fetch(`${api.url}/no-such-thing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('echoes a request id on every response', async () => {
    const response = await fetch(`${api.url}/healthcheck/live`, { headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
  });
});
