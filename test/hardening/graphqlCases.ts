import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
} from 'graphql';
import { BAD_VALUES, formOf, multipartOf, type RawRequest } from './badInputs.js';
import type { Fixtures } from './restCases.js';

/**
 * The GraphQL cases of the bad-input campaign, from the served schema: every root field of Query and
 * Mutation with each argument (and each field of an input argument) left out, null, each bad value and
 * each wrong type; every Upload argument with each bad file name; and malformed GraphQL-over-HTTP requests.
 */

/** What an argument of a text type (String, ID, JSON, DateTime) is tried with: the bad strings and other JSON types. */
const TEXT_BAD: [string, unknown][] = [...BAD_VALUES, ['null', null], ['a number', -1], ['an object', { a: 1 }]];

/** What an argument of any other type is tried with: out of range, fractions and values of the wrong type. */
const OTHER_BAD: [string, unknown][] = [
  ['null', null],
  ['negative', -1],
  ['beyond Int', 2147483648],
  ['fraction', 1.5],
  ['NaN as text', 'NaN'],
  ['text', 'abc'],
  ['an object', { a: 1 }],
  ['an empty list', []],
];

const TEXT_TYPES = new Set(['String', 'ID', 'JSON', 'DateTime']);
const badValuesOf = (type: GraphQLInputType) => (TEXT_TYPES.has(getNamedType(type).name) ? TEXT_BAD : OTHER_BAD);

/** A valid value of `type`, chosen by argument name where the name says which record it means. */
function validValue(type: GraphQLInputType, name: string, fixtures: Fixtures): unknown {
  if (isNonNullType(type)) return validValue(type.ofType, name, fixtures);
  if (isListType(type)) return [validValue(type.ofType, name, fixtures)];
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return Object.fromEntries(fields.map((field) => [field.name, validValue(field.type, field.name, fixtures)]));
  }
  if (isEnumType(type)) return type.getValues()[0]?.value;
  switch (type.name) {
    case 'ID':
      return fixtures.asset;
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return '2099-01-01T00:00:00Z';
    case 'JSON':
      return {};
    case 'Upload':
      return null;
  }
  if (/^(path|from|to|folderPath)$/.test(name)) return `${fixtures.folder}/campaign`;
  if (name === 'key') return fixtures.authKey;
  return 'campaign';
}

const selectionOf = (field: GraphQLField<unknown, unknown>) =>
  isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';

/** The document that calls `field` with every argument as a variable of the argument's own type. */
function documentOf(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${arg.type}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `${operation}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selectionOf(field)} }`;
}

const jsonPost = (label: string, body: string, headers: Record<string, string>): RawRequest => ({
  label,
  method: 'POST',
  target: '/graphql',
  headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
  body,
});

function argumentCases(
  query: string,
  field: GraphQLField<unknown, unknown>,
  arg: GraphQLArgument,
  base: Record<string, unknown>,
  headers: Record<string, string>,
): RawRequest[] {
  const post = (label: string, value: unknown) =>
    jsonPost(`${field.name}(${label})`, JSON.stringify({ query, variables: { ...base, [arg.name]: value } }), headers);
  const { [arg.name]: _left, ...without } = base;
  const cases = [
    jsonPost(`${field.name}(${arg.name} missing)`, JSON.stringify({ query, variables: without }), headers),
  ];
  for (const [label, value] of badValuesOf(arg.type)) cases.push(post(`${arg.name}: ${label}`, value));
  const inner = getNamedType(arg.type);
  const list = isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type);
  if (list) {
    for (const [label, value] of badValuesOf(arg.type)) cases.push(post(`${arg.name}: [${label}]`, [value]));
  }
  if (isInputObjectType(inner)) {
    const valid = (base[arg.name] ?? {}) as Record<string, unknown>;
    const wrap = (value: Record<string, unknown>) => (list ? [value] : value);
    for (const inputField of Object.values(inner.getFields())) {
      for (const [label, value] of badValuesOf(inputField.type)) {
        cases.push(post(`${arg.name}.${inputField.name}: ${label}`, wrap({ ...valid, [inputField.name]: value })));
      }
    }
  }
  return cases;
}

/** An upload (graphql-multipart-request-spec) of `query`, whose variable `file` gets a file named `filename`. */
function uploadCase(
  label: string,
  query: string,
  variables: object,
  filename: string,
  headers: Record<string, string>,
) {
  const { body, contentType } = multipartOf(
    [
      ['operations', JSON.stringify({ query, variables: { ...variables, file: null } })],
      ['map', JSON.stringify({ 0: ['variables.file'] })],
    ],
    { field: '0', filename },
  );
  const uploadHeaders = { ...headers, 'content-type': contentType, 'apollo-require-preflight': 'true' };
  return { label, method: 'POST', target: '/graphql', headers: uploadHeaders, body } satisfies RawRequest;
}

/** Every case of every root field of Query and Mutation. */
export function schemaCases(schema: GraphQLSchema, fixtures: Fixtures, headers: Record<string, string>): RawRequest[] {
  const cases: RawRequest[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  for (const [operation, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const query = documentOf(operation, field);
      const base = Object.fromEntries(
        field.args
          .filter((arg) => isNonNullType(arg.type))
          .map((arg) => [arg.name, validValue(arg.type, arg.name, fixtures)]),
      );
      cases.push(jsonPost(`${field.name}(valid arguments)`, JSON.stringify({ query, variables: base }), headers));
      for (const arg of field.args) cases.push(...argumentCases(query, field, arg, base, headers));
      if (field.args.some((arg) => getNamedType(arg.type).name === 'Upload')) {
        for (const [label, filename] of BAD_VALUES) {
          cases.push(uploadCase(`${field.name}(file name: ${label})`, query, base, filename, headers));
        }
      }
    }
  }
  return cases;
}

/** GraphQL over HTTP requests that are wrong as requests, whatever the operation. */
export function malformedRequests(headers: Record<string, string>): RawRequest[] {
  const query = '{ viewer { id } }';
  const get = (label: string, pairs: [string, string][]): RawRequest => ({
    label,
    method: 'GET',
    target: `/graphql?${formOf(pairs)}`,
    headers: { ...headers, accept: 'application/json' },
  });
  const withType = (label: string, contentType: string, body: string): RawRequest => ({
    ...jsonPost(label, body, headers),
    headers: { ...headers, 'content-type': contentType, accept: 'application/json' },
  });
  const broken = (label: string, operations: string, map: string) => {
    const { body, contentType } = multipartOf([
      ['operations', operations],
      ['map', map],
    ]);
    return {
      ...withType(label, contentType, ''),
      body,
      headers: { ...headers, 'content-type': contentType, 'apollo-require-preflight': 'true' },
    };
  };
  const operations = JSON.stringify({
    query: 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }',
    variables: { file: null },
  });
  return [
    jsonPost('invalid JSON', '{"query": ', headers),
    jsonPost('a JSON array (a batch)', JSON.stringify([{ query }, { query }]), headers),
    jsonPost('a JSON string', '"{ viewer { id } }"', headers),
    jsonPost('query missing', '{}', headers),
    jsonPost('query of the wrong type', '{"query": 1}', headers),
    jsonPost('variables of the wrong type', JSON.stringify({ query, variables: 'x' }), headers),
    jsonPost('an unknown operationName', JSON.stringify({ query, operationName: 'Nope' }), headers),
    jsonPost('a 1 MiB query', JSON.stringify({ query: `{ ${'viewer '.repeat(150_000)} }` }), headers),
    jsonPost('a query with a lone surrogate', JSON.stringify({ query: '{ asset(id: "a\uD800") { id } }' }), headers),
    jsonPost('a query with a NUL', JSON.stringify({ query: '{ asset(id: "a\u0000") { id } }' }), headers),
    withType('text/plain', 'text/plain', JSON.stringify({ query })),
    withType('text/xml', 'text/xml', '<query/>'),
    withType('urlencoded', 'application/x-www-form-urlencoded', formOf([['query', query]])),
    withType(
      'urlencoded, variables that are not JSON',
      'application/x-www-form-urlencoded',
      formOf([
        ['query', query],
        ['variables', '{x'],
      ]),
    ),
    withType('multipart without boundary', 'multipart/form-data', '--x'),
    get('a duplicated query parameter', [
      ['query', query],
      ['query', '{ __typename }'],
    ]),
    get('an empty query parameter', [['query', '']]),
    get('a mutation by GET', [['query', 'mutation { logout }']]),
    get('variables that are not JSON', [
      ['query', query],
      ['variables', '{x'],
    ]),
    broken('multipart: operations not JSON', '{x', '{}'),
    broken('multipart: map not JSON', operations, '{x'),
    broken('multipart: map to a path that is not there', operations, '{"0":["variables.nothing.here"]}'),
    broken('multipart: map names a file never sent', operations, '{"0":["variables.file"]}'),
  ];
}
