import type { ApiToken } from '../db/entities/ApiToken.js';
import { type Command, EXIT_OK, PROGRAM, parseDuration } from './commandLine.js';
import { viewOf, withOperatorSession } from './operatorSession.js';
import { printLine, printNote, textTable } from './textOutput.js';

const DEFAULT_NAME = 'made with the admin CLI';

function stateOf(token: ApiToken, now: number): string {
  if (token.revokedAt) return `revoked ${token.revokedAt.toISOString()}`;
  if (token.expiresAt && token.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

const tokensCreate: Command = {
  name: 'tokens create',
  summary: 'Create an API token acting as a user (as the createApiToken mutation does); it is printed once.',
  arguments: ['USERNAME'],
  options: { name: { type: 'string' }, 'expires-in': { type: 'string' } },
  help: `Options:
  --name NAME          what the token is for (default: "${DEFAULT_NAME}")
  --expires-in TIME    it stops working after TIME: a number and m, h, d or w (30d); default: until revoked

The token alone goes to stdout; send it as Authorization: Bearer <token>.

Example:
  TOKEN=$(${PROGRAM} tokens create alice --name nightly-sync --expires-in 30d)`,
  async run({ args, options }) {
    const lifetimeMs = options['expires-in'] ? parseDuration('--expires-in', options['expires-in'] as string) : null;
    const { findUserNamed } = await import('../resolvers/accounts/accountAdministration.js');
    const { createApiToken } = await import('../resolvers/accounts/users.js');
    return withOperatorSession(async (session) => {
      const user = await findUserNamed(session.contextAs(), args.USERNAME as string);
      const expiresAt = lifetimeMs === null ? null : new Date(Date.now() + lifetimeMs);
      const name = (options.name as string | undefined) ?? DEFAULT_NAME;
      const created = await createApiToken(session.contextAs(viewOf(user)), name, expiresAt);
      const id = created.token.split('.')[1];
      const until = expiresAt ? `expires ${expiresAt.toISOString()}` : 'valid until revoked';
      printNote(`API token ${id} "${created.name}" for ${user.username} (${until}), shown only this once:`);
      printLine(created.token);
      return EXIT_OK;
    });
  },
};

const tokensList: Command = {
  name: 'tokens list',
  summary: 'List the API tokens of a user: id, name, created, expires, state. Never the tokens themselves.',
  arguments: ['USERNAME'],
  options: { json: { type: 'boolean' } },
  help: `Options:
  --json    a JSON array instead of a table

Example:
  ${PROGRAM} tokens list alice`,
  async run({ args, options }) {
    const { apiTokensOf } = await import('../resolvers/accounts/accountAdministration.js');
    return withOperatorSession(async (session) => {
      const tokens = await apiTokensOf(session.contextAs(), args.USERNAME as string);
      const now = Date.now();
      if (options.json) {
        const rows = tokens.map((token) => ({
          id: token.id,
          name: token.name,
          createdAt: token.createdAt.toISOString(),
          expiresAt: token.expiresAt?.toISOString() ?? null,
          revokedAt: token.revokedAt?.toISOString() ?? null,
          active: stateOf(token, now) === 'active',
        }));
        printLine(JSON.stringify(rows, null, 2));
        return EXIT_OK;
      }
      const rows = tokens.map((token) => [
        token.id,
        token.name,
        token.createdAt.toISOString(),
        token.expiresAt?.toISOString() ?? 'never',
        stateOf(token, now),
      ]);
      printLine(textTable([['ID', 'NAME', 'CREATED', 'EXPIRES', 'STATE'], ...rows]));
      return EXIT_OK;
    });
  },
};

const tokensRevoke: Command = {
  name: 'tokens revoke',
  summary: 'Revoke an API token by its id (see tokens list); it stops working on the next request.',
  arguments: ['ID'],
  options: {},
  help: `An ID that begins with - goes after --.

Example:
  ${PROGRAM} tokens revoke 3q2Tb5nXk8QwZr1LmV0aPc
  ${PROGRAM} tokens revoke -- -q2Tb5nXk8QwZr1LmV0aPc`,
  async run({ args }) {
    const { revokeApiToken } = await import('../resolvers/accounts/accountAdministration.js');
    return withOperatorSession(async (session) => {
      const token = await revokeApiToken(session.contextAs(), args.ID as string);
      printLine(`revoked API token ${token.id} "${token.name}" of ${token.user.getEntity().username}`);
      return EXIT_OK;
    });
  },
};

export const tokenCommands = [tokensCreate, tokensList, tokensRevoke];
