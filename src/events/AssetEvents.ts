import { createPubSub } from 'graphql-yoga';

/**
 * Tells subscribers that an asset changed. One small interface, so that several instances on PostgreSQL can
 * carry the same events through LISTEN/NOTIFY; with SQLite everything is one process and this stays in it.
 */
export interface AssetEvents {
  publish(assetId: string): void;
  /** The ids of the assets that change from now on, until the iterator is returned. */
  subscribe(): AsyncIterable<string>;
  /** Ends every subscription (their SSE responses end), as the process stops. */
  endSubscriptions(): Promise<void>;
  close(): Promise<void>;
}

export class InProcessAssetEvents implements AssetEvents {
  private readonly pubSub = createPubSub<{ assetChanged: [assetId: string] }>();

  publish(assetId: string): void {
    this.pubSub.publish('assetChanged', assetId);
  }

  private readonly live = new Set<AsyncIterator<string>>();

  async *subscribe(): AsyncIterable<string> {
    const changes = this.pubSub.subscribe('assetChanged');
    this.live.add(changes);
    try {
      yield* changes;
    } finally {
      this.live.delete(changes);
    }
  }

  async endSubscriptions(): Promise<void> {
    await Promise.all([...this.live].map((changes) => changes.return?.()));
  }

  async close(): Promise<void> {}
}
