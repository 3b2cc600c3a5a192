import type { RequestContext } from '../context.js';
import { DownloadPreset } from '../db/entities/DownloadPreset.js';
import { requireViewer } from './access.js';

export function listDownloadPresets(ctx: RequestContext): Promise<DownloadPreset[]> {
  requireViewer(ctx);
  return ctx.em.find(DownloadPreset, {}, { orderBy: { name: 'asc' } });
}
