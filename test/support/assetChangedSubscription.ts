import type { TestServer } from './testServer.js';

/** What the tests ask of each assetChanged event. */
export interface AssetEvent {
  id: string;
  state: string;
  deleted: boolean;
  metadata: Record<string, unknown>;
  checkout: { checkedOutBy: string } | null;
}

export interface EventPayload {
  data?: { assetChanged: AssetEvent } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const EVENT_FIELDS = 'id state deleted metadata checkout { checkedOutBy }';
export const SUBSCRIBE_ALL = `subscription { assetChanged { ${EVENT_FIELDS} } }`;
export const SUBSCRIBE_ONE = `subscription($id: ID) { assetChanged(id: $id) { ${EVENT_FIELDS} } }`;

/** Long enough for any event on a loaded machine; the tests never measure time, this only ends a wait. */
const EVENT_WAIT_MS = 15_000;

/**
 * One subscription as a client holds it: POST /graphql with Accept: text/event-stream, the `next` events
 * parsed off fetch's body reader in order. `close` aborts the request.
 */
export class Subscription {
  private readonly queue: EventPayload[] = [];
  private readonly waiters: (() => void)[] = [];
  private ended = false;

  private constructor(private readonly abort: AbortController) {}

  static async open(
    api: TestServer,
    query: string,
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<Subscription> {
    const abort = new AbortController();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      signal: abort.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`subscription not opened: ${response.status} ${await response.text()}`);
    }
    const subscription = new Subscription(abort);
    void subscription.pump(response.body);
    return subscription;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (!lines.includes('event: next')) continue;
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice('data:'.length).trimStart())
            .join('\n');
          this.queue.push(JSON.parse(data) as EventPayload);
          this.notify();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** The next event, or undefined if none came within `waitMs` (or the stream ended). */
  async nextWithin(waitMs: number): Promise<EventPayload | undefined> {
    const deadline = Date.now() + waitMs;
    while (this.queue.length === 0 && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.queue.shift();
  }

  async next(): Promise<EventPayload> {
    const payload = await this.nextWithin(EVENT_WAIT_MS);
    if (!payload) throw new Error(this.ended ? 'the event stream ended' : 'no event arrived');
    return payload;
  }

  /** The next change of asset `id`, skipping the changes of other assets. */
  async nextChangeOf(id: string): Promise<AssetEvent> {
    for (;;) {
      const payload = await this.next();
      if (payload.errors) throw new Error(`an event with errors: ${JSON.stringify(payload.errors)}`);
      const change = payload.data?.assetChanged;
      if (change?.id === id) return change;
    }
  }

  /** Every change that arrives until (and with) the first one `last` accepts. */
  async changesUntil(last: (change: AssetEvent) => boolean): Promise<AssetEvent[]> {
    const changes: AssetEvent[] = [];
    for (;;) {
      const payload = await this.next();
      if (payload.errors) throw new Error(`an event with errors: ${JSON.stringify(payload.errors)}`);
      const change = payload.data?.assetChanged;
      if (!change) continue;
      changes.push(change);
      if (last(change)) return changes;
    }
  }

  /**
   * Waits until the server has really subscribed: the response headers come before the subscription is in
   * place, so a change made at once could be missed. Changes `probeAssetId`'s metadata until this
   * subscription sees that change, and returns once it has seen the latest one (so no probe is still on
   * its way). The probe asset must be one this subscription receives.
   */
  async untilLive(probe: (round: number) => Promise<void>, probeAssetId: string): Promise<void> {
    for (let round = 1; round <= 60; round += 1) {
      await probe(round);
      for (;;) {
        const payload = await this.nextWithin(500);
        if (!payload) break;
        const change = payload.data?.assetChanged;
        if (change?.id === probeAssetId && change.metadata.probe === round) return;
      }
    }
    throw new Error('the subscription never saw a change of the probe asset');
  }

  close(): void {
    this.abort.abort();
  }
}
