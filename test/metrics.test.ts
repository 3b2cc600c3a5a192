import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, bodyOf } from './support/woodwingCalls.js';

/*
 * What the service counts, in Prometheus' format at /metrics and as WoodWing's system/metrics (no login for
 * either, reference section 2.6): requests by route and status in this process, and what the database holds.
 */

let api: TestServer;
let editor: { token: string };

const prometheusText = async () => (await fetch(`${api.url}/metrics`)).text();

/** The value of one series, e.g. `asset_gateway_assets{state="UPLOADED"}`; undefined when absent. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  const asset = await uploadAs(api, editor.token, { name: 'counted.txt', content: 'twelve bytes' });
  await untilUploaded(api, editor.token, asset.id);
});
afterAll(() => api.close());

describe('GET /metrics', () => {
  it('answers in the Prometheus text format', async () => {
    const response = await fetch(`${api.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('# TYPE asset_gateway_http_requests_total counter');
  });

  it('counts requests by their route in the table, method and status', async () => {
    await fetch(`${api.url}/api/asset/AAAAAAAAAAAAAAAAAAAAAA`, { headers: bearer(editor.token) });
    await fetch(`${api.url}/api/asset/BBBBBBBBBBBBBBBBBBBBBB`, { headers: bearer(editor.token) });
    const series = 'asset_gateway_http_requests_total{route="/api/asset/:id",method="GET",status="404"}';
    expect(seriesValue(await prometheusText(), series)).toBe(2);
  });

  it('counts requests to paths no route has under "(no route)"', async () => {
    await fetch(`${api.url}/no/such/path`);
    const series = 'asset_gateway_http_requests_total{route="(no route)",method="any",status="404"}';
    expect(seriesValue(await prometheusText(), series)).toBeGreaterThanOrEqual(1);
  });

  it('times the requests of each route', async () => {
    await fetch(`${api.url}/healthcheck/live`);
    const series = 'asset_gateway_http_request_duration_seconds_count{route="/healthcheck/live"}';
    expect(seriesValue(await prometheusText(), series)).toBeGreaterThanOrEqual(1);
  });

  it('tells the live assets by state from the database', async () => {
    const before = seriesValue(await prometheusText(), 'asset_gateway_assets{state="UPLOADED"}') ?? 0;
    const asset = await uploadAs(api, editor.token, { name: 'one-more.txt' });
    await untilUploaded(api, editor.token, asset.id);
    expect(seriesValue(await prometheusText(), 'asset_gateway_assets{state="UPLOADED"}')).toBe(before + 1);
  });

  it('tells the stored files, the bytes of the live assets and the scan queue', async () => {
    const text = await prometheusText();
    expect(seriesValue(text, 'asset_gateway_stored_files')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'asset_gateway_asset_bytes')).toBeGreaterThanOrEqual(12);
    expect(seriesValue(text, 'asset_gateway_scan_queue_length')).toBe(0);
  });
});

describe('GET /services/system/metrics', () => {
  it('answers with no login: assets by state, bytes, stored files, scan queue and this process requests', async () => {
    const response = await fetch(`${api.url}/services/system/metrics`);
    const body = await bodyOf(response);
    expect(response.status).toBe(200);
    expect(body.assets.byState.UPLOADED).toBe(body.assets.total);
    expect(body.scanQueueLength).toBe(0);
    expect(body.storedFiles).toBeGreaterThanOrEqual(body.assets.total);
    expect(body.process.requests).toBeGreaterThan(0);
    expect(body.process.requestsPerSecond).toBeGreaterThan(0);
  });

  it('counts this process requests by status', async () => {
    await fetch(`${api.url}/services/no-such-service`);
    const body = await bodyOf(await fetch(`${api.url}/services/system/metrics`));
    expect(body.process.requestsByStatus['404']).toBeGreaterThanOrEqual(1);
  });
});
