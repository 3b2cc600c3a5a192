import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { ErrorCode } from '../../errors.js';
import type { WoodwingParams } from './params.js';

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: RequestContext;
  params: WoodwingParams;
  /** What follows the endpoint's name in the path: the asset id of checkout/<id>. */
  rest: string;
}

export interface Endpoint {
  methods: readonly ('GET' | 'POST')[];
  /** Endpoints that work without a login (login itself, ping). */
  public?: boolean;
  /** Statuses other than the usual where WoodWing documents them (500: seeds 001, 003; createRelation). */
  statusFor?: Partial<Record<ErrorCode, number>>;
  handle(call: Call): Promise<void>;
}
