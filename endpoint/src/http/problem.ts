// Problem details (RFC 9457, schemas/protocol/problem.schema.json): the body of every error answer.
// Every refusal is thrown as a ProblemError and turned into one answer in one place (the error handler),
// so a route cannot forget the code, the type or Retry-After.
import type { FastifyReply } from 'fastify';
import type { FieldError, ProblemDetails, ReasonCode } from '../../../generated/types';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: ReasonCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number; allow?: string; closeConnection?: boolean } = {},
  ) {
    super(detail);
  }
}

const ACRONYMS: Record<string, string> = { json: 'JSON' };

/** `body_too_large` → "Body too large". */
export function titleOf(code: ReasonCode): string {
  const words = code.split('_').map((w) => ACRONYMS[w] ?? w);
  const first = words[0] ?? '';
  return [first.charAt(0).toUpperCase() + first.slice(1), ...words.slice(1)].join(' ');
}

export function problemBody(problem: ProblemError, instance: string): ProblemDetails {
  const body: ProblemDetails = {
    type: `urn:candor:problem:${problem.code}`,
    title: titleOf(problem.code),
    status: problem.status,
    code: problem.code,
    detail: problem.detail.slice(0, 2048),
    instance: instance.slice(0, 512),
  };
  if (problem.extra.retryAfterSeconds !== undefined) { body.retryAfterSeconds = problem.extra.retryAfterSeconds; }
  if (problem.extra.errors && problem.extra.errors.length > 0) { body.errors = problem.extra.errors.slice(0, 16) as ProblemDetails['errors']; }
  return body;
}

export function sendProblem(reply: FastifyReply, problem: ProblemError): FastifyReply {
  const path = reply.request.url.split('?')[0] ?? '/';
  reply.code(problem.status).header('content-type', 'application/problem+json; charset=utf-8');
  if (problem.extra.retryAfterSeconds !== undefined) { reply.header('retry-after', String(problem.extra.retryAfterSeconds)); }
  if (problem.extra.allow !== undefined) { reply.header('allow', problem.extra.allow); }
  if (problem.status === 401) { reply.header('www-authenticate', 'Bearer'); }
  if (problem.extra.closeConnection) { reply.header('connection', 'close'); }
  return reply.send(JSON.stringify(problemBody(problem, path)));
}

