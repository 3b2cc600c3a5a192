import type { RouteHandler } from '../../http/route.js';
import type { ServiceMetrics } from '../../metrics/serviceMetrics.js';
import { MailNotSent } from '../../notify/emailNotifier.js';
import { notifyEmail } from '../../resolvers/notify/notifyEmail.js';
import { requireRole } from '../../resolvers/policy/access.js';
import type { Endpoint } from '../woodwing/endpoint.js';
import { sendWoodwingError, sendWoodwingJson } from '../woodwing/responses.js';

/**
 * `notify/email` {to, subject, body, htmlBody} as JSON (or any of the four encodings), plus `assetId` to
 * record it in that asset's history. Answers `{delivery: "sent"}` (SMTP) or `{delivery: "logged"}` (no
 * SMTP_URL); 502 when the SMTP server refuses it.
 */
export const notifyEmailEndpoint: Endpoint = {
  async handle({ res, ctx, params }) {
    try {
      const delivery = await notifyEmail(ctx, {
        to: params.list('to') ?? [],
        subject: params.string('subject'),
        body: params.string('body'),
        htmlBody: params.string('htmlBody'),
        assetId: params.string('assetId'),
      });
      sendWoodwingJson(res, 200, { delivery });
    } catch (error) {
      if (!(error instanceof MailNotSent)) throw error;
      sendWoodwingError(res, 502, 'MailSendException', error.message);
    }
  },
};

/**
 * `system/metrics`, with no login as WoodWing's (reference section 2.6): what the database holds (the same on
 * every instance) and what this process has answered since it started, with its average rate.
 */
export function systemMetricsEndpoint(metrics: ServiceMetrics): Endpoint {
  return {
    public: true,
    async handle({ res }) {
      const [store, requests] = await Promise.all([metrics.storeCounts(), metrics.requestTotals()]);
      const uptimeSeconds = Math.max((Date.now() - metrics.startedAt) / 1000, 0.001);
      sendWoodwingJson(res, 200, {
        assets: {
          total: Object.values(store.assetsByState).reduce((sum, n) => sum + n, 0),
          byState: store.assetsByState,
          bytes: store.assetBytes,
          deleted: store.deletedAssets,
        },
        storedFiles: store.storedFiles,
        scanQueueLength: store.assetsByState.UNSCANNED ?? 0,
        process: {
          uptimeSeconds: Math.round(uptimeSeconds),
          requests: requests.total,
          requestsPerSecond: Math.round((requests.total / uptimeSeconds) * 100) / 100,
          requestsByStatus: requests.byStatus,
        },
      });
    },
  };
}

/**
 * `admin/externalProcessing` and its `/<id>` calls: for admins, as on WoodWing; asset-gateway runs no
 * external processors, so each call says so in WoodWing's error shape (501) rather than pretend.
 */
export const externalProcessingEndpoint: Endpoint = {
  async handle({ res, ctx }) {
    requireRole(ctx, 'ADMIN', 'configure external processing');
    sendWoodwingError(
      res,
      501,
      'UnsupportedOperationException',
      'External processing (admin/externalProcessing) is not supported by asset-gateway',
    );
  },
};

/** `GET /metrics`: the same metrics in Prometheus' text format, for a scraper. */
export function prometheusRoute(metrics: ServiceMetrics): RouteHandler {
  return async ({ res }) => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, {
      'content-type': metrics.registry.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  };
}
