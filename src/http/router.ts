import type { IncomingMessage, ServerResponse } from 'node:http';
import Router, { type HTTPMethod } from 'find-my-way';
import { type RouteMeter, ServiceMetrics } from '../metrics/serviceMetrics.js';
import { plainRefusals, type Refusals, refuseMethod } from './refusals.js';
import type { RequestContextFactory } from './requestContext.js';
import { requestUrlOf } from './requestUrl.js';
import { RouteCall, type RouteHandler } from './route.js';

/** One line of the route table: the methods it takes (space-separated), its find-my-way path, its handler. */
export type Route = [methods: string, path: string, handler: RouteHandler];

/** The routes one surface answers, and how it says no. */
export interface Surface {
  refusals: Refusals;
  /** Paths under these that match no route are still this surface's: its not-found answers them. */
  prefixes: string[];
  /** Each route answers at its path with a trailing `/` too. */
  trailingSlash: boolean;
  /** Each GET route answers HEAD too (node:http sends the headers without the body). */
  headWithGet: boolean;
  routes: Route[];
}

export type Dispatch = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void> | void;

/** What find-my-way keeps for each path and method: its handler, and the path's 405 for other methods. */
interface RouteStore {
  handle: RouteHandler;
  refuse: RouteHandler;
  /** Counts the requests of this path and method. */
  meter: RouteMeter;
}

/** find-my-way's own handler slot stays unused: requests go through find() and the store. */
function viaStore(): never {
  throw new Error('routes are dispatched through their store');
}

interface PathMethods {
  surface: Surface;
  /** In the table's order, which is the order `Allow` names them in. */
  handlers: Map<string, RouteHandler>;
}

function pathsOf(surfaces: Surface[]): Map<string, PathMethods> {
  const paths = new Map<string, PathMethods>();
  for (const surface of surfaces) {
    for (const [methods, path, handler] of surface.routes) {
      for (const variant of surface.trailingSlash ? [path, `${path}/`] : [path]) {
        const entry = paths.get(variant) ?? { surface, handlers: new Map() };
        paths.set(variant, entry);
        for (const method of methods.split(' ')) {
          if (entry.handlers.has(method)) throw new Error(`The route table has ${method} ${variant} twice`);
          entry.handlers.set(method, handler);
        }
      }
    }
  }
  return paths;
}

/**
 * Builds the router once, at start: every path is registered for every method the table uses, the
 * methods it does not take answered by the surface's 405, so that a lookup settles each request at once.
 */
export function buildRouter(
  surfaces: Surface[],
  createContext: RequestContextFactory,
  metrics: ServiceMetrics,
): Dispatch {
  // The query never reaches find(): requestUrlOf splits it off first. No parameter length limit of its own:
  // node:http already caps the request line with the headers (16 KiB).
  const noQuery = {};
  const router = Router({ maxParamLength: 16 * 1024, querystringParser: () => noQuery });
  const paths = pathsOf(surfaces);
  const methods = new Set(['HEAD']);
  for (const { handlers } of paths.values()) for (const method of handlers.keys()) methods.add(method);

  for (const [path, { surface, handlers }] of paths) {
    const allow = [...handlers.keys()].join(', ');
    const refuse: RouteHandler = ({ req, res }) => refuseMethod(res, req.method ?? '', allow, surface.refusals);
    const head = handlers.get('HEAD') ?? (surface.headWithGet ? handlers.get('GET') : undefined);
    const route = surface.trailingSlash && path.endsWith('/') ? path.slice(0, -1) : path;
    for (const method of methods) {
      const handle = (method === 'HEAD' ? head : handlers.get(method)) ?? refuse;
      const meter = metrics.meterFor(route, method);
      router.on(method as HTTPMethod, path, viaStore, { handle, refuse, meter } satisfies RouteStore);
    }
  }
  router.compile();

  const notFoundUnder = surfaces.flatMap((surface) => surface.prefixes.map((prefix) => ({ prefix, surface })));
  function notFound(res: ServerResponse, path: string): void {
    const owner = notFoundUnder.find(({ prefix }) => path.startsWith(prefix))?.surface.refusals ?? plainRefusals;
    owner.notFound(res, path);
  }

  return (req, res, requestId) => {
    const url = requestUrlOf(req.url ?? '/');
    const found = router.find(req.method as HTTPMethod, url.pathname);
    if (found) {
      ServiceMetrics.markRoute(res, (found.store as RouteStore).meter);
      return (found.store as RouteStore).handle(new RouteCall(req, res, requestId, url, found.params, createContext));
    }
    // A method no route uses has no tree; the path may still be known, and then it is a 405.
    const known = router.find('GET', url.pathname);
    if (known) return (known.store as RouteStore).refuse(new RouteCall(req, res, requestId, url, {}, createContext));
    notFound(res, url.pathname);
  };
}
