import { createParamDecorator, ExecutionContext, HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { InternalHeaders, type WorkflowActor } from '@hookstream/contracts';
import { callerActorOf, callerTenantOf } from '@hookstream/service-runtime';
import { parseActor } from '@hookstream/workflow-definition';
import { WORKFLOW_VERSION_CONFLICT, type CommandMeta, type CommandOutcome } from './workflow.store';

/** As long as the event envelope keeps a request id. */
const MAX_REQUEST_ID_LENGTH = 200;

/** The public request's id (x-request-id) that a change is recorded with; null when there is none or it is not a plain token. */
export function requestIdOf(req: Request): string | null {
  const value = req.header(InternalHeaders.requestId);
  return value && value.length <= MAX_REQUEST_ID_LENGTH && /^[\x21-\x7e]+$/.test(value) ? value : null;
}

/**
 * Who made the request, as the caller signed it: nobody named is the
 * platform itself; 400 actor_invalid for a value that names no one we know.
 */
export function actorOf(value: string | undefined): WorkflowActor {
  const actor = parseActor(value);
  if (!actor) throw new HttpException({ error_type: 'request_invalid', error_codes: ['actor_invalid'] }, 400);
  return actor;
}

/** Who asks for a change: the tenant it is for, and what the change is recorded with. */
export interface Requester {
  tenant: string;
  meta: CommandMeta;
}

/** The Requester of an internal call: tenant and actor from its credential, the gateway's request id. */
export const ChangeRequester = createParamDecorator((_: unknown, context: ExecutionContext): Requester => {
  const req = context.switchToHttp().getRequest<Request>();
  return { tenant: callerTenantOf(req), meta: { actor: actorOf(callerActorOf(req)), requestId: requestIdOf(req) } };
});

export const invalid = (codes: string[]) => new HttpException({ error_type: 'request_invalid', error_codes: codes }, 422);
export const notFound = () => new HttpException({ error_type: 'not_found' }, 404);

/** A refused command as the API answers it: 404, 422 with the rule's codes, or 409 when other changes kept winning the race. */
export function refusal(outcome: Extract<CommandOutcome, { ok: false }>): HttpException {
  switch (outcome.status) {
    case 404:
      return notFound();
    case 409:
      return new HttpException({ error_type: 'conflict', error_codes: [WORKFLOW_VERSION_CONFLICT] }, 409);
    case 422:
      return invalid(outcome.codes);
  }
}
