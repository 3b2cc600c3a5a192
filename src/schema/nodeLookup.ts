import type { RequestContext } from '../context.js';
import { NotFound } from '../errors.js';
import { findNode } from '../resolvers/assets/nodes.js';

/** node(id:) and nodes(ids:): the record, or null when there is none the viewer may see. */
export async function nodeOrNull(ctx: RequestContext, id: string): Promise<{ id: string } | null> {
  try {
    return await findNode(ctx, id);
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}
