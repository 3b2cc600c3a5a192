import type { GeneratedAdmin } from './resolvers/accounts/users.js';

const RULE = '='.repeat(78);

/**
 * What a person reads on the first start that generated the admin's password: plain lines on stderr, framed so
 * they stand out among the JSON log lines on stdout, the password alone on its line so it copies cleanly.
 */
export function firstAdminNotice(admin: GeneratedAdmin, publicUrl: string): string {
  return [
    '',
    RULE,
    `  FIRST START: created the admin user "${admin.username}". Its password, shown only this once:`,
    '',
    `      ${admin.password}`,
    '',
    `  Log in at ${publicUrl}/graphql and keep the password somewhere safe.`,
    '  To change it later, run:',
    `      npx asset-gateway users reset-password ${admin.username}`,
    '  To choose it yourself, set ADMIN_PASSWORD before the first start (on an empty database).',
    RULE,
    '',
    '',
  ].join('\n');
}
