// Prints the schema the entities describe, as SQL for SQLite (the default) or PostgreSQL: the starting point
// of a new migration, to be written for both. Usage: print-create-sql.js [sqlite|postgresql]
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { entities } from '../src/db/entities/index.js';

const kind = process.argv[2] ?? 'sqlite';
if (kind !== 'sqlite' && kind !== 'postgresql') {
  process.stderr.write(`unknown database kind "${kind}": use sqlite or postgresql\n`);
  process.exit(2);
}
// The constructor does not connect: the SQL comes from the entities alone.
const orm = new MikroORM<AbstractSqlDriver, SqlEntityManager>({
  ...(kind === 'sqlite' ? { driver: SqliteDriver, dbName: ':memory:' } : { driver: PostgreSqlDriver, dbName: 'print' }),
  entities,
});
process.stdout.write(await orm.schema.getCreateSchemaSQL());
await orm.close();
