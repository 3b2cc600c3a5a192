// Writes the served GraphQL schema to schema.graphql, so that every change to the API shows in a diff.
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/schema/index.js';

const path = new URL('../../schema.graphql', import.meta.url);
writeFileSync(path, `${printSchema(lexicographicSortSchema(schema))}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
