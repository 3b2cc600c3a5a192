import { builder } from './builder.js';

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export const PageInfoRef = builder.objectRef<PageInfo>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
    startCursor: t.exposeString('startCursor', { nullable: true }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

/** A page as resolvers return it: the rows' cursors and whether more lie either side. */
export interface CursorPage {
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function pageInfoOf(page: CursorPage): PageInfo {
  return {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.cursors[0] ?? null,
    endCursor: page.cursors.at(-1) ?? null,
  };
}

export function edgesOf<Node>(nodes: Node[], page: CursorPage): { node: Node; cursor: string }[] {
  return nodes.map((node, index) => ({ node, cursor: page.cursors[index] as string }));
}
