import { Migration20261122000000Initial } from './Migration20261122000000Initial.js';

/** Every migration, oldest first; applied at start. */
export const migrations = [{ name: 'Migration20261122000000Initial', class: Migration20261122000000Initial }];
