import type { RateLimits } from '../auth/rateLimits.js';
import { type Config, loadConfig } from '../config.js';
import type { RequestContext, Services } from '../context.js';
import type { User, UserView } from '../db/entities/User.js';
import type { ServiceParts } from '../serviceParts.js';

/*
 * The admin CLI runs the resolvers as a request would, on the server's settings (DATA_DIR, DATABASE_URL,
 * STORAGE_URL, ...) and the same opening code. It is the machine's operator, not a client on the network:
 * it acts with ADMIN rights, and no rate limit counts what it does (an import of ten thousand files is not
 * ten thousand uploads from one address to slow down).
 */

/** Who the CLI is, for what it does as the operator (accounts); never written to a row. */
const OPERATOR: UserView = {
  id: 'admin-cli',
  username: '(admin CLI)',
  fullName: null,
  email: null,
  organisationId: null,
  role: 'ADMIN',
  createdAt: new Date(0),
};

const NO_RATE_LIMITS: RateLimits = {
  consume: async () => undefined,
  close: () => undefined,
};

export interface OperatorSession {
  config: Config;
  parts: ServiceParts;
  /** A fresh context (its own EntityManager fork) acting as `viewer`, by default the operator. */
  contextAs(viewer?: UserView): RequestContext;
  close(): Promise<void>;
}

export function viewOf(user: User): UserView {
  const { id, username, fullName, email, organisationId, role, createdAt } = user;
  return { id, username, fullName, email, organisationId, role, createdAt };
}

export async function openOperatorSession(): Promise<OperatorSession> {
  const config = loadConfig();
  const [{ default: pino }, { openServiceParts, closeServiceParts }, { createLoaders }] = await Promise.all([
    import('pino'),
    import('../serviceParts.js'),
    import('../resolvers/loaders.js'),
  ]);
  // The commands print their own output on stdout; the services' own log says only what went wrong.
  const log = pino({ level: 'warn', base: { service: 'asset-gateway-cli' } }, pino.destination(2));
  const parts = await openServiceParts(config, log);
  const { orm, ...rest } = parts;
  const services: Services = { ...rest, config, rateLimits: NO_RATE_LIMITS, log };
  return {
    config,
    parts,
    contextAs(viewer = OPERATOR) {
      const em = orm.em.fork();
      return {
        ...services,
        em,
        reader: em,
        viewer,
        auth: { viewer, via: null, session: null, csrfVerified: false, problem: null, presented: null },
        loaders: createLoaders(em),
        requestId: 'admin-cli',
        clientAddress: 'admin-cli',
        sharedLink: null,
        responseCookies: [],
      };
    },
    close: () => closeServiceParts(parts),
  };
}

/** Opens a session, runs `work` in it, and closes it, whatever `work` did. */
export async function withOperatorSession<T>(work: (session: OperatorSession) => Promise<T>): Promise<T> {
  const session = await openOperatorSession();
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
