import { ComplexityErrorKind, type ComplexityResult, createComplexityRule } from '@pothos/plugin-complexity';
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import type { Config } from '../config.js';

type LimitResult = ComplexityResult & { maxDepth: number; maxBreadth: number; maxComplexity: number };

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The limit an operation went over, named by its setting and its figure (see config.ts). */
function operationLimitError(kind: ComplexityErrorKind, result: LimitResult): GraphQLError {
  const message = {
    [ComplexityErrorKind.Depth]: `The operation nests ${result.depth} levels deep; at most ${result.maxDepth} are allowed (GRAPHQL_MAX_DEPTH)`,
    [ComplexityErrorKind.Breadth]: `The operation selects ${result.breadth} fields, aliases counted; at most ${result.maxBreadth} are allowed (GRAPHQL_MAX_BREADTH)`,
    [ComplexityErrorKind.Complexity]: `The operation's estimated cost is ${result.complexity}; at most ${result.maxComplexity} is allowed (GRAPHQL_MAX_COST). Ask for smaller pages (first) or fewer fields`,
  }[kind];
  return limitError(message);
}

/**
 * The document without its variable definitions: its cost is reckoned once per document text, before any
 * variables, so an argument given by a variable counts as left out (a page given by `first: $n` as 50).
 */
function withoutVariableDefinitions(document: DocumentNode): DocumentNode {
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION ? { ...definition, variableDefinitions: [] } : definition,
    ),
  };
}

/** Depth, breadth and cost of every operation in the document, introspection included, by the complexity plugin's rule. */
function complexityRule({ maxDepth, maxBreadth, maxCost }: Config['graphqlLimits']): ValidationRule {
  const inner = createComplexityRule({
    context: {},
    variableValues: {},
    validate(result, report) {
      const limits = { ...result, maxDepth, maxBreadth, maxComplexity: maxCost };
      if (result.depth > maxDepth) report(operationLimitError(ComplexityErrorKind.Depth, limits));
      else if (result.breadth > maxBreadth) report(operationLimitError(ComplexityErrorKind.Breadth, limits));
      else if (result.complexity > maxCost) report(operationLimitError(ComplexityErrorKind.Complexity, limits));
    },
  });
  return function OperationComplexityRule(context: ValidationContext): ASTVisitor {
    return {
      Document(document) {
        const reckoned = withoutVariableDefinitions(document);
        const view = {
          getSchema: () => context.getSchema(),
          getDocument: () => reckoned,
          reportError: (error: GraphQLError) => context.reportError(error),
        } as unknown as ValidationContext;
        visit(reckoned, inner(view));
        return false;
      },
    };
  };
}

/** Aliased fields in the whole document, fragments included. */
function aliasRule(maxAliases: number): ValidationRule {
  return function AliasCountRule(context: ValidationContext): ASTVisitor {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              limitError(
                `The document has ${aliases} aliases; at most ${maxAliases} are allowed (GRAPHQL_MAX_ALIASES)`,
              ),
            );
          }
        },
      },
    };
  };
}

/**
 * The rules every GraphQL document is validated with besides the specified ones, on both paths (yoga and the
 * JSON POST path). They run with validation, whose result is kept per document text: never once per request.
 */
export function documentLimitRules(config: Config): ValidationRule[] {
  const rules = [complexityRule(config.graphqlLimits), aliasRule(config.graphqlRequestLimits.maxAliases)];
  if (!config.graphqlIntrospection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}
