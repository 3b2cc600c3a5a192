import { BAD_VALUES, formOf, multipartOf, percentEncoded, type RawRequest } from './badInputs.js';
import { PATH_BASE, type RouteParams } from './routeParams.js';

/**
 * The REST cases of one route of the table: for each method, the route with only its valid values (every
 * parameter missing), each valid one left out, each parameter, path parameter and file name spoiled with each
 * bad value, each parameter twice, and the same wrong bodies for every route that takes one (invalid JSON,
 * wrong content types, broken multipart and urlencoded bodies). A route that takes GET and POST is tried by
 * POST, where its parameters reach the same reader.
 */

/** The records the valid values name ({asset} ...), made before the campaign. */
export type Fixtures = Record<string, string>;

const fill = (value: string, fixtures: Fixtures) => value.replace(/\{(\w+)\}/g, (_, name) => fixtures[name] ?? name);

/** A value as a path segment: traversal goes as written (that is the point), anything else percent-encoded. */
function segmentOf(value: string): string {
  return /^[\x21-\x7e]+$/.test(value) ? value : percentEncoded(value);
}

/** The parameters' carrier for a method: writes take a body, reads their parameters in the query. */
function carrierFor(method: string, spec: RouteParams): RouteParams['carrier'] | null {
  if (method !== 'GET' && method !== 'DELETE') return spec.carrier;
  return spec.carrier === 'form' || spec.carrier === 'query' ? 'query' : null;
}

const assetFieldName = (name: string) => (name.endsWith('[]') ? `asset[${name.slice(0, -2)}][]` : `asset[${name}]`);

interface Shape {
  method: string;
  path: string;
  carrier: RouteParams['carrier'] | null;
  file: string | undefined;
  headers: Record<string, string>;
}

function requestOf(
  shape: Shape,
  label: string,
  pathValues: Record<string, string>,
  params: [string, string][],
  filename = 'campaign.txt',
): RawRequest {
  const target = shape.path.replace(/:\w+|\*/g, (name) => pathValues[name] ?? name);
  const { method, carrier, file, headers } = shape;
  if (carrier === 'query' || carrier === null) {
    const query = params.length ? `?${formOf(params)}` : '';
    return { label, method, target: `${target}${query}`, headers };
  }
  if (carrier === 'json') {
    const body = JSON.stringify(Object.fromEntries(params));
    return { label, method, target, headers: { ...headers, 'content-type': 'application/json' }, body };
  }
  if (carrier === 'asset form' || file) {
    const fields =
      carrier === 'asset form' ? params.map(([n, v]) => [assetFieldName(n), v] as [string, string]) : params;
    const { body, contentType } = multipartOf(fields, file ? { field: file, filename } : undefined);
    return { label, method, target, headers: { ...headers, 'content-type': contentType }, body };
  }
  const body = formOf(params);
  return { label, method, target, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body };
}

/** Every case of one route of the table, each method it takes. */
export function casesOfRoute(
  methods: string[],
  path: string,
  spec: RouteParams,
  fixtures: Fixtures,
  headers: Record<string, string>,
): RawRequest[] {
  const cases: RawRequest[] = [];
  const pathNames = path.match(/:\w+|\*/g) ?? [];
  const validPath = Object.fromEntries(
    pathNames.map((name) => [name, fill(spec.path?.[name] ?? PATH_BASE[name] ?? 'x', fixtures)]),
  );
  const base = Object.entries(spec.base ?? {}).map(
    ([name, value]) => [name, fill(value, fixtures)] as [string, string],
  );

  for (const method of methods) {
    const carrier = carrierFor(method, spec);
    const shape: Shape = { method, path, carrier, file: carrier ? spec.file : undefined, headers };
    const validParams = carrier ? base : [];
    cases.push(requestOf(shape, 'every parameter missing but the valid ones', validPath, validParams));
    for (const [name] of validParams) {
      const without = validParams.filter(([other]) => other !== name);
      cases.push(requestOf(shape, `${name} missing`, validPath, without));
    }
    for (const name of carrier ? spec.params : []) {
      const others = validParams.filter(([other]) => other !== name);
      for (const [label, value] of BAD_VALUES) {
        cases.push(requestOf(shape, `${name}: ${label}`, validPath, [...others, [name, value]]));
      }
      cases.push(requestOf(shape, `${name} twice`, validPath, [...others, [name, 'a'], [name, 'b']]));
    }
    for (const name of pathNames) {
      for (const [label, value] of BAD_VALUES) {
        cases.push(requestOf(shape, `path ${name}: ${label}`, { ...validPath, [name]: segmentOf(value) }, validParams));
      }
    }
    for (const [label, value] of shape.file ? BAD_VALUES : []) {
      cases.push(requestOf(shape, `file name: ${label}`, validPath, validParams, value));
    }
    if (method === 'GET' || method === 'DELETE') continue;
    const target = requestOf(shape, '', validPath, []).target;
    cases.push(
      {
        label: 'invalid JSON',
        method,
        target,
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"a":',
      },
      {
        label: 'JSON array',
        method,
        target,
        headers: { ...headers, 'content-type': 'application/json' },
        body: '[1,2]',
      },
      {
        label: 'wrong content type',
        method,
        target,
        headers: { ...headers, 'content-type': 'text/xml' },
        body: '<a/>',
      },
      {
        label: 'multipart without boundary',
        method,
        target,
        headers: { ...headers, 'content-type': 'multipart/form-data' },
        body: '--x\r\n\r\n',
      },
      {
        label: 'multipart cut short',
        method,
        target,
        headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' },
        body: '--x\r\ncontent-disposition: form-data; name="a"\r\n\r\nvalue',
      },
      {
        label: 'urlencoded with invalid percent-escapes',
        method,
        target,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=%E0%A4%A&b=%zz&%=1',
      },
    );
  }
  return cases;
}
