// Prints the schema the entities describe, as SQL: the starting point of a new migration.
import { MikroORM } from '@mikro-orm/sqlite';
import { entities } from '../src/db/entities/index.js';

const orm = await MikroORM.init({ dbName: ':memory:', entities });
process.stdout.write(await orm.schema.getCreateSchemaSQL());
await orm.close();
