import { type ComplexityErrorFn, ComplexityErrorKind } from '@pothos/plugin-complexity';
import { GraphQLError } from 'graphql';

/** The limit an operation went over, named by its setting and its figure (see config.ts). */
export const operationLimitError: ComplexityErrorFn = (kind, result) => {
  const message = {
    [ComplexityErrorKind.Depth]: `The operation nests ${result.depth} levels deep; at most ${result.maxDepth} are allowed (GRAPHQL_MAX_DEPTH)`,
    [ComplexityErrorKind.Breadth]: `The operation selects ${result.breadth} fields, aliases counted; at most ${result.maxBreadth} are allowed (GRAPHQL_MAX_BREADTH)`,
    [ComplexityErrorKind.Complexity]: `The operation's estimated cost is ${result.complexity}; at most ${result.maxComplexity} is allowed (GRAPHQL_MAX_COST). Ask for smaller pages (first) or fewer fields`,
  }[kind];
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
};
