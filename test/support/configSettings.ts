import { ConfigError, loadConfig } from '../../src/config.js';

/** The one setting loadConfig needs; each test adds the settings it is about. */
const DATA_DIR_ONLY = { DATA_DIR: '/srv/asset-gateway' };

/** The configuration loaded from a data folder and `env`. */
export const configWith = (env: Record<string, string>) => loadConfig({ ...DATA_DIR_ONLY, ...env });

/** The ConfigError that `env` makes loadConfig throw; fails the test when it is accepted. */
export function configProblemWith(env: Record<string, string>): ConfigError {
  try {
    configWith(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}
