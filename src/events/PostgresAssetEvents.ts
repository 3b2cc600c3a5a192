import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { type AssetEvents, InProcessAssetEvents } from './AssetEvents.js';

const CHANNEL = 'asset_changed';
/** Names the connection in pg_stat_activity, so an operator (or a test) can tell it from the pool's. */
export const EVENTS_APPLICATION_NAME = 'asset-gateway events';

/** NOTIFY refuses a payload of 8000 bytes or more; ours are a few dozen. */
const MAX_PAYLOAD_BYTES = 7999;
/** Changes kept while the connection is down, sent once it is back; past this the oldest are dropped. */
const MAX_OUTBOX = 10_000;
const FIRST_RECONNECT_MS = 500;
const MAX_RECONNECT_MS = 30_000;
/** How long a shutdown waits for the last changes to be sent before it lets go of them. */
const CLOSE_WAIT_MS = 2_000;

/**
 * What goes through NOTIFY: who sent it (`from`, so an instance skips its own), a counter (PostgreSQL folds
 * identical notifications of one transaction into one) and what changed.
 */
interface ChangeNotice {
  from: string;
  seq: number;
  kind: 'asset';
  id: string;
}

function parseNotice(payload: string | undefined): ChangeNotice | undefined {
  if (!payload) return undefined;
  try {
    const notice = JSON.parse(payload) as Partial<ChangeNotice>;
    if (notice.kind !== 'asset' || typeof notice.from !== 'string' || typeof notice.id !== 'string') return undefined;
    return notice as ChangeNotice;
  } catch {
    return undefined;
  }
}

/**
 * Asset changes shared by every instance on one PostgreSQL database through LISTEN/NOTIFY. A change is
 * delivered to this process's subscribers at once and sent to the others through NOTIFY; what comes back
 * from NOTIFY with this instance's own mark is skipped, so nothing arrives twice. One dedicated connection
 * per process both listens and notifies (in order); after a drop it reconnects, listens again and sends
 * what was published meanwhile. Changes made elsewhere while it was down are not replayed: a subscription
 * sees the changes from when it is in place, as long as the connection is.
 */
export class PostgresAssetEvents implements AssetEvents {
  private readonly local = new InProcessAssetEvents();
  private readonly instanceMark = randomBytes(8).toString('hex');
  private sequence = 0;
  private readonly outbox: string[] = [];
  private client: pg.Client | undefined;
  private sending: Promise<void> | undefined;
  /** How many of the outbox's first entries the statement in flight carries. */
  private inFlight = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = FIRST_RECONNECT_MS;
  private closed = false;

  private constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  /** Connects and listens; fails when the database does not answer, like the ORM does at start. */
  static async open(databaseUrl: string, log: Logger): Promise<PostgresAssetEvents> {
    const events = new PostgresAssetEvents(databaseUrl, log);
    await events.connect();
    return events;
  }

  publish(assetId: string): void {
    this.local.publish(assetId);
    if (this.closed) return;
    const notice: ChangeNotice = { from: this.instanceMark, seq: ++this.sequence, kind: 'asset', id: assetId };
    const payload = JSON.stringify(notice);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      this.log.error({ bytes: Buffer.byteLength(payload) }, 'asset change too large for NOTIFY; not sent');
      return;
    }
    this.outbox.push(payload);
    if (this.outbox.length > MAX_OUTBOX) {
      this.outbox.shift();
      if (this.inFlight > 0) this.inFlight -= 1;
      this.log.warn('asset change events connection down too long; the oldest unsent change was dropped');
    }
    this.sendOutbox();
  }

  subscribe(): AsyncIterable<string> {
    return this.local.subscribe();
  }

  endSubscriptions(): Promise<void> {
    return this.local.endSubscriptions();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    // What this instance published last still reaches the others, unless the connection hangs.
    const sent = (async () => {
      while (this.sending) await this.sending;
    })();
    await Promise.race([sent, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
    await this.local.close();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: EVENTS_APPLICATION_NAME,
      connectionTimeoutMillis: 10_000,
      // A peer that vanished without closing the socket is noticed too.
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL) return;
      const notice = parseNotice(message.payload);
      if (notice && notice.from !== this.instanceMark) this.local.publish(notice.id);
    });
    // An 'error' without a listener would take the process down; a drop is followed by 'end' as well.
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.reconnectDelayMs = FIRST_RECONNECT_MS;
    this.sendOutbox();
  }

  private dropped(client: pg.Client, error?: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => {});
    if (this.closed) return;
    this.log.warn({ err: error }, 'asset change events connection lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(MAX_RECONNECT_MS, delay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().then(
        () => this.log.info('asset change events connection back'),
        (error: unknown) => {
          this.log.warn({ err: error, retryInMs: this.reconnectDelayMs }, 'asset change events: reconnect failed');
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Sends everything waiting in one statement, in order; what fails stays queued for the next try. */
  private sendOutbox(): void {
    if (this.sending || !this.client || this.outbox.length === 0) return;
    const client = this.client;
    this.inFlight = this.outbox.length;
    let sent = false;
    this.sending = client
      .query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [CHANNEL, this.outbox.slice()])
      .then(
        () => {
          this.outbox.splice(0, this.inFlight);
          sent = true;
        },
        (error: unknown) => {
          // Tried again on the next publish, or after the reconnect that a lost connection brings.
          this.log.warn({ err: error, waiting: this.outbox.length }, 'asset change events: NOTIFY failed');
        },
      )
      .finally(() => {
        this.sending = undefined;
        this.inFlight = 0;
        if (sent) this.sendOutbox();
      });
  }
}
