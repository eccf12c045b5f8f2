// GET /v1/installations/{id}/events: one page of an installation's events, oldest first, to its owner.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CandorEvent, Export } from '../../../generated/types';
import envelope from '../../../schemas/event/envelope.schema.json';
import { ProblemError } from '../http/problem';
import { isoTime } from '../calendar';
import type { Storage } from '../storage/storage';
import { checkInstallationId, notFound, presentedSecret, proves, wrongSecret } from './ownership';

const UUIDV7 = new RegExp(envelope.$defs.uuidv7.pattern);
const MAX_PAGE = 1000;

export function exportHandler(storage: Storage) {
  return async function handleExport(request: FastifyRequest<{ Params: { installationId: string }; Querystring: Record<string, string | string[]> }>, reply: FastifyReply) {
    const installationId = checkInstallationId(request.params.installationId);
    const { limit, after } = pageQuery(request.query);
    const secret = presentedSecret(request.headers['candor-installation-secret']);
    const held = await storage.ownerKeyHash(installationId);
    if (held === undefined) { throw notFound(); }
    if (!proves(secret, held)) { throw wrongSecret(); }
    const rows = await storage.exportPage(installationId, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const body: Export = {
      installationId,
      exportedAt: isoTime(Date.now()),
      events: page.map((r) => ({
        event: JSON.parse(r.json) as CandorEvent,
        receivedAt: isoTime(r.receivedAt),
        sentAt: isoTime(r.sentAt),
        correctedTimestamp: isoTime(r.correctedAt),
      })),
      nextCursor: rows.length > limit && last ? Buffer.from(last.eventId).toString('base64url') : null,
    };
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  };
}

function pageQuery(query: Record<string, string | string[]>): { limit: number; after: string | undefined } {
  const one = (name: string) => {
    const v = query[name];
    if (Array.isArray(v)) { throw new ProblemError(400, 'invalid_batch', `Give ${name} at most once.`); }
    return v;
  };
  const rawLimit = one('limit');
  let limit = MAX_PAGE;
  if (rawLimit !== undefined) {
    if (!/^[0-9]{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_PAGE) {
      throw new ProblemError(400, 'invalid_batch', `limit must be a whole number from 1 to ${MAX_PAGE}.`);
    }
    limit = Number(rawLimit);
  }
  const cursor = one('cursor');
  let after: string | undefined;
  if (cursor !== undefined) {
    after = /^[A-Za-z0-9_-]{1,256}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('latin1') : '';
    if (!UUIDV7.test(after)) { throw new ProblemError(400, 'invalid_batch', 'cursor is not one this endpoint gave: pass the nextCursor of the previous page unchanged.'); }
  }
  return { limit, after };
}
