import { GraphQLError, Kind, valueFromASTUntyped } from 'graphql';
import { builder } from './builder.js';
import { PendingUpload } from './uploads.js';

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw badInput(
      `DateTime must be an ISO-8601 string with a time zone, e.g. 2026-11-22T09:00:00.000Z; got ${JSON.stringify(value)}`,
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`${JSON.stringify(value)} is not a real date`);
  return date;
}

builder.scalarType('DateTime', {
  description: 'ISO-8601 in UTC, e.g. 2026-11-22T09:00:00.000Z',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('JSON', {
  description: 'any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

builder.scalarType('Upload', {
  description: 'The `Upload` scalar type represents a file upload.',
  serialize: () => {
    throw new GraphQLError('Upload is an input only');
  },
  parseValue: (value) => {
    if (value instanceof PendingUpload) return value.promise;
    throw badInput('An Upload is a file part of a multipart request, placed in the variables by its map');
  },
  parseLiteral: () => {
    throw badInput('An Upload cannot be written in the query: send it as a file part of a multipart request');
  },
});
