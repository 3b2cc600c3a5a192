import { generatedPassword } from '../auth/passwords.js';
import type { Role } from '../db/entities/User.js';
import { type Command, EXIT_OK, PROGRAM, UsageError } from './commandLine.js';
import { withOperatorSession } from './operatorSession.js';
import { passwordFromStdin, printLine, printNote, textTable } from './textOutput.js';

/** More users than any installation has: `users list` shows them all. */
const ALL_USERS = 1_000_000;

async function checkedRole(option: string, value: unknown): Promise<Role> {
  if (typeof value !== 'string') throw new UsageError(`missing ${option}`);
  const { ROLES } = await import('../db/entities/User.js');
  const role = value.toUpperCase();
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`${option} must be one of ${ROLES.join(', ')}; not ${JSON.stringify(value)}`);
  }
  return role as Role;
}

/** The password piped in, or a new one that is printed once (on stdout, alone, for a script to keep). */
async function newPassword(fromStdin: unknown): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: await passwordFromStdin(), generated: false };
  return { password: generatedPassword(), generated: true };
}

function showGenerated(password: string, generated: boolean): void {
  if (!generated) return;
  printNote('generated password, shown only this once (on stdout):');
  printLine(password);
}

const usersAdd: Command = {
  name: 'users add',
  summary: 'Create a user (the same rules as the createUser mutation: unique username, scrypt, 8+ characters).',
  arguments: ['USERNAME'],
  options: {
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'full-name': { type: 'string' },
    email: { type: 'string' },
  },
  help: `Options:
  --role ROLE         VIEWER, CONTRIBUTOR, EDITOR or ADMIN (required)
  --password-stdin    read the password from stdin; without it a password is generated and printed once
  --full-name NAME    the user's full name
  --email ADDRESS     the user's email address

Example:
  printf '%s' "$PASSWORD" | ${PROGRAM} users add alice --role EDITOR --password-stdin`,
  async run({ args, options }) {
    const role = await checkedRole('--role', options.role);
    const { password, generated } = await newPassword(options['password-stdin']);
    const { createUser } = await import('../resolvers/accounts/users.js');
    return withOperatorSession(async (session) => {
      const user = await createUser(session.contextAs(), {
        username: args.USERNAME as string,
        password,
        role,
        fullName: (options['full-name'] as string | undefined) ?? null,
        email: (options.email as string | undefined) ?? null,
      });
      printNote(`created user ${user.username} (${user.role}), id ${user.id}`);
      showGenerated(password, generated);
      return EXIT_OK;
    });
  },
};

const usersList: Command = {
  name: 'users list',
  summary: 'List every user by name: username, role, full name, email, created, id.',
  arguments: [],
  options: { json: { type: 'boolean' } },
  help: `Options:
  --json    a JSON array instead of a table

Example:
  ${PROGRAM} users list --json`,
  async run({ options }) {
    const { listUsers } = await import('../resolvers/accounts/users.js');
    return withOperatorSession(async (session) => {
      const users = await listUsers(session.contextAs(), ALL_USERS);
      if (options.json) {
        const rows = users.map(({ id, username, role, fullName, email, organisationId, createdAt }) => ({
          id,
          username,
          role,
          fullName,
          email,
          organisationId,
          createdAt: createdAt.toISOString(),
        }));
        printLine(JSON.stringify(rows, null, 2));
        return EXIT_OK;
      }
      const header = ['USERNAME', 'ROLE', 'FULL NAME', 'EMAIL', 'CREATED', 'ID'];
      const rows = users.map((user) => [
        user.username,
        user.role,
        user.fullName ?? '',
        user.email ?? '',
        user.createdAt.toISOString(),
        user.id,
      ]);
      printLine(textTable([header, ...rows]));
      return EXIT_OK;
    });
  },
};

const usersSetRole: Command = {
  name: 'users set-role',
  summary: 'Change a user\u2019s role; it holds from their next request on, on every instance.',
  arguments: ['USERNAME', 'ROLE'],
  options: {},
  help: `ROLE is VIEWER, CONTRIBUTOR, EDITOR or ADMIN. The last ADMIN cannot be demoted.

Example:
  ${PROGRAM} users set-role alice ADMIN`,
  async run({ args }) {
    const role = await checkedRole('ROLE', args.ROLE);
    const { setUserRole } = await import('../resolvers/accounts/accountAdministration.js');
    return withOperatorSession(async (session) => {
      const user = await setUserRole(session.contextAs(), args.USERNAME as string, role);
      printLine(`${user.username} is now ${user.role}`);
      return EXIT_OK;
    });
  },
};

const usersResetPassword: Command = {
  name: 'users reset-password',
  summary: 'Set a new password (e.g. a lost admin password) and end every login session of the user.',
  arguments: ['USERNAME'],
  options: { 'password-stdin': { type: 'boolean' }, 'revoke-tokens': { type: 'boolean' } },
  help: `Options:
  --password-stdin    read the password from stdin; without it a password is generated and printed once
  --revoke-tokens     also revoke the user's API tokens (they are kept otherwise)

Example:
  ${PROGRAM} users reset-password admin`,
  async run({ args, options }) {
    const { password, generated } = await newPassword(options['password-stdin']);
    const { resetPassword } = await import('../resolvers/accounts/accountAdministration.js');
    return withOperatorSession(async (session) => {
      const reset = await resetPassword(session.contextAs(), args.USERNAME as string, password, {
        revokeTokens: Boolean(options['revoke-tokens']),
      });
      const tokens = options['revoke-tokens'] ? `, ${reset.tokensRevoked} API tokens revoked` : '';
      printNote(`password of ${reset.user.username} reset; ${reset.sessionsEnded} login sessions ended${tokens}`);
      showGenerated(password, generated);
      return EXIT_OK;
    });
  },
};

export const userCommands = [usersAdd, usersList, usersSetRole, usersResetPassword];
