import { createPubSub } from 'graphql-yoga';

/**
 * Tells subscribers that an asset changed. One small interface, so that several instances on PostgreSQL can
 * carry the same events through LISTEN/NOTIFY; with SQLite everything is one process and this stays in it.
 */
export interface AssetEvents {
  publish(assetId: string): void;
  /** The ids of the assets that change from now on, until the iterator is returned. */
  subscribe(): AsyncIterable<string>;
  close(): Promise<void>;
}

export class InProcessAssetEvents implements AssetEvents {
  private readonly pubSub = createPubSub<{ assetChanged: [assetId: string] }>();

  publish(assetId: string): void {
    this.pubSub.publish('assetChanged', assetId);
  }

  subscribe(): AsyncIterable<string> {
    return this.pubSub.subscribe('assetChanged');
  }

  async close(): Promise<void> {}
}
