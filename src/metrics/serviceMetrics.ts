import type { ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ASSET_STATES } from '../db/entities/Asset.js';
import type { Orm } from '../db/orm.js';
import { readStoreCounts, type StoreCounts } from './storeCounts.js';

const METER = Symbol('routeMeter');
type MeteredResponse = ServerResponse & { [METER]?: RouteMeter };

/**
 * The counters of one route (its table path and method), made once at start: a request costs a map look-up
 * and two increments, and each status's labelled child is made the first time that status is seen.
 */
export class RouteMeter {
  private readonly byStatus = new Map<number, Counter.Internal>();
  /** Made with the first request, so that routes never asked for add no series. */
  private routeDurations: Histogram.Internal<'route'> | undefined;

  constructor(
    private readonly requests: Counter<'route' | 'method' | 'status'>,
    private readonly durations: Histogram<'route'>,
    private readonly route: string,
    private readonly method: string,
  ) {}

  count(status: number, seconds: number): void {
    let counter = this.byStatus.get(status);
    if (!counter) {
      counter = this.requests.labels(this.route, this.method, String(status));
      this.byStatus.set(status, counter);
    }
    counter.inc();
    this.routeDurations ??= this.durations.labels(this.route);
    this.routeDurations.observe(seconds);
  }
}

/**
 * The service's metrics, one registry per server: requests by route, method and status and their durations
 * (this process), and what the database holds (every instance alike), read only when asked for.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly startedAt = Date.now();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly durations: Histogram<'route'>;
  /** Requests that matched no route (404s of unknown paths). */
  readonly unmatched: RouteMeter;

  constructor(private readonly orm: Orm) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'asset_gateway_http_requests_total',
      help: 'HTTP requests answered by this process, by route (its path in the route table), method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'asset_gateway_http_request_duration_seconds',
      help: 'Time from request to response end in this process, by route',
      labelNames: ['route'],
      registers,
    });
    this.unmatched = this.meterFor('(no route)', 'any');
    this.storeGauges(registers);
    collectDefaultMetrics({ register: this.registry, prefix: 'asset_gateway_' });
  }

  meterFor(route: string, method: string): RouteMeter {
    return new RouteMeter(this.requests, this.durations, route, method);
  }

  /** Marks the response as one of the route's, for `requestDone`. */
  static markRoute(res: ServerResponse, meter: RouteMeter): void {
    (res as MeteredResponse)[METER] = meter;
  }

  requestDone(res: ServerResponse, seconds: number): void {
    ((res as MeteredResponse)[METER] ?? this.unmatched).count(res.statusCode, seconds);
  }

  storeCounts(): Promise<StoreCounts> {
    return readStoreCounts(this.orm.em.fork());
  }

  /** Requests this process answered since start, in all and by status. */
  async requestTotals(): Promise<{ total: number; byStatus: Record<string, number> }> {
    const byStatus: Record<string, number> = {};
    let total = 0;
    for (const { labels, value } of (await this.requests.get()).values) {
      const status = String(labels.status);
      byStatus[status] = (byStatus[status] ?? 0) + value;
      total += value;
    }
    return { total, byStatus };
  }

  private storeGauges(registers: Registry[]): void {
    // One read of the database serves every gauge of one scrape.
    let pending: Promise<StoreCounts> | undefined;
    const counts = () => {
      pending ??= this.storeCounts().finally(() => {
        pending = undefined;
      });
      return pending;
    };
    new Gauge({
      name: 'asset_gateway_assets',
      help: 'Live (not deleted) assets by state, in the shared database',
      labelNames: ['state'],
      registers,
      async collect() {
        const { assetsByState } = await counts();
        for (const state of ASSET_STATES) this.set({ state }, assetsByState[state] ?? 0);
      },
    });
    new Gauge({
      name: 'asset_gateway_scan_queue_length',
      help: 'Assets waiting for their virus scan (UNSCANNED)',
      registers,
      async collect() {
        this.set((await counts()).assetsByState.UNSCANNED ?? 0);
      },
    });
    new Gauge({
      name: 'asset_gateway_asset_bytes',
      help: 'Bytes of the live assets current files',
      registers,
      async collect() {
        this.set((await counts()).assetBytes);
      },
    });
    new Gauge({
      name: 'asset_gateway_stored_files',
      help: 'Files stored since the database was made: one per upload or replacement of a file',
      registers,
      async collect() {
        this.set((await counts()).storedFiles);
      },
    });
  }
}
