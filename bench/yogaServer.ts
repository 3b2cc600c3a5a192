// The GraphQL anchor: the least graphql-yoga does per request, a resolver that returns a constant object of the
// shape the gateway's asset(id) query asks for. Run as a child process by run.ts; no database, no auth.
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const asset = {
  id: 'QmVuY2hBc3NldElkMDAwMA',
  name: 'bench.txt',
  size: 38,
  contentType: 'text/plain; charset=utf-8',
  createdBy: { username: 'admin' },
};

const yoga = createYoga({
  schema: createSchema({
    typeDefs: `
      type User { username: String! }
      type Asset { id: ID! name: String! size: Float! contentType: String! createdBy: User! }
      type Query { asset(id: ID!): Asset }
    `,
    resolvers: { Query: { asset: (_root: unknown, args: { id: string }) => ({ ...asset, id: args.id }) } },
  }),
  logging: false,
  landingPage: false,
  graphiql: false,
});

createServer(yoga).listen(Number(process.env.PORT), '127.0.0.1');
