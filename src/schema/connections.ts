import type { FieldComplexityValue } from '@pothos/plugin-complexity';

/** A page as resolvers return it: the rows' cursors and whether more lie either side. */
export interface CursorPage {
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** A resolver's page as the relay plugin's connection shape: its edges and its PageInfo. */
export function connectionOf<Node>(nodes: Node[], page: CursorPage) {
  return {
    edges: nodes.map((node, index) => ({ node, cursor: page.cursors[index] as string })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors.at(-1) ?? null,
    },
  };
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/**
 * The cost of a connection's own fields (totalCount, pageInfo, facets): none. They are answered once per page,
 * but sit under the connection field's multiplier (its page size), which would count them once per edge.
 */
export const ONCE_PER_PAGE: FieldComplexityValue = { field: 0, multiplier: 0 };

/**
 * What a connection field costs: what one edge asks for, times the page size asked. A size out of range
 * counts as the largest page, so that the resolver's own message about it is the one the client gets.
 */
export function pageCost({ first }: { first?: number | null | undefined }): FieldComplexityValue {
  const size = first ?? DEFAULT_PAGE_SIZE;
  return { field: 1, multiplier: size >= 0 && size <= MAX_PAGE_SIZE ? size : MAX_PAGE_SIZE };
}
