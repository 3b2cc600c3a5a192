import type { Logger } from 'pino';
import type { RunningServer } from './server.js';

/**
 * SIGTERM (what a container runtime or systemd sends) and SIGINT (Ctrl-C) stop the service gracefully: see
 * RunningServer.shutdown. It exits 0, or 1 when the grace period ran out and requests were cut. A second
 * signal while it waits stops it at once, with 1.
 */
export function stopOnSignals(server: RunningServer, graceMs: number, log: Logger): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log.warn({ signal }, 'stopped at once by a second signal; requests in flight were cut');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal, graceSeconds: graceMs / 1000 }, 'shutting down: requests in flight may finish');
      server.shutdown(graceMs).then(
        ({ requestsCut }) => {
          log.info({ requestsCut }, 'stopped');
          process.exit(requestsCut > 0 ? 1 : 0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
