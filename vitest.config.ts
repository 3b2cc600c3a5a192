import { defineConfig } from 'vitest/config';

export default defineConfig({
  // vitest runs with the `development` condition, under which graphql's package resolves to one copy for
  // src/ and another for the libraries: `instanceof GraphQLError` then fails across them. One copy, as in
  // production.
  ssr: { resolve: { conditions: ['module', 'node', 'production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own server on its own data folder; two cores, so two at a time.
    maxWorkers: 2,
  },
});
