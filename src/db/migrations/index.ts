import { Migration20261122000000Initial } from './Migration20261122000000Initial.js';
import { Migration20261122100000SharedLinks } from './Migration20261122100000SharedLinks.js';

/** Every migration, oldest first; applied at start. */
export const migrations = [
  { name: 'Migration20261122000000Initial', class: Migration20261122000000Initial },
  { name: 'Migration20261122100000SharedLinks', class: Migration20261122100000SharedLinks },
];
