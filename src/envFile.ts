import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, type Env } from './configValues.js';

/** The file read when ENV_FILE names none; a missing one is fine. */
const DEFAULT_ENV_FILE = '.env';

const ASSIGNMENT = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=(.*)$/;

/**
 * The number of the first line that is neither blank, a comment, NAME=value nor the rest of a quoted value
 * spanning lines. Node's parser takes such a line as part of the next name ("oops\nPORT"), so a typo would
 * silently drop the setting that follows it.
 */
function firstMalformedLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let openQuote: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(trimmed);
    if (!match) return index + 1;
    const value = (match[1] ?? '').trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) === -1) openQuote = quote;
  }
  return undefined;
}

/**
 * Reads `.env` from the working directory, or the file ENV_FILE names, into `env` before the settings are read.
 * A variable already set in the environment wins over the file, as with `node --env-file`. No `.env`: nothing
 * happens; a file named by ENV_FILE that is missing, unreadable or malformed stops the start, naming the file
 * and line but never its values (they may be secrets). Returns the file read, if any.
 */
export function loadEnvFile(env: Env = process.env, cwd: string = process.cwd()): string | undefined {
  const named = env.ENV_FILE || undefined;
  const path = resolve(cwd, named ?? DEFAULT_ENV_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (named === undefined && code === 'ENOENT') return undefined;
    const problem = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(named === undefined ? DEFAULT_ENV_FILE : 'ENV_FILE', `${path}: ${problem}`);
  }
  const malformed = firstMalformedLine(text);
  if (malformed !== undefined) {
    throw new ConfigError(
      named === undefined ? DEFAULT_ENV_FILE : 'ENV_FILE',
      `${path} line ${malformed}: expected NAME=value, a # comment or a blank line`,
    );
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) env[name] = value;
  }
  return path;
}
