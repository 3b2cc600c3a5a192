import { defineConfig } from 'vitest/config';

export default defineConfig({
  // vitest runs with the `development` condition, under which graphql's package resolves to one copy for
  // src/ and another for the libraries: `instanceof GraphQLError` then fails across them. One copy, as in
  // production: Node's own conditions (`module-sync`, not the bundlers' `module`, whose builds of the AWS SDK
  // Node cannot load).
  ssr: { resolve: { conditions: ['module-sync', 'node', 'production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own server on its own data folder; two cores, so two at a time.
    maxWorkers: 2,
  },
});
