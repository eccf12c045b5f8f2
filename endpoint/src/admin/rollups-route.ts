// GET /admin/v1/daily-rollups: the daily roll-up per day, extension and event name, for the endpoint's
// operators (admin token). Brings the roll-up up to date first, so that what it answers includes every
// batch answered before the request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DailyRollUps } from '../../../generated/types';
import envelope from '../../../schemas/event/envelope.schema.json';
import type { Maintenance } from '../analytics/maintenance';
import { ProblemError } from '../http/problem';
import { dayOf, isoTime } from '../calendar';
import type { RollupKey, Storage } from '../storage/storage';

const DAY = new RegExp(envelope.$defs.day.pattern);
const EXTENSION = new RegExp(envelope.$defs.extensionId.pattern);
const NAME = new RegExp(envelope.$defs.eventName.pattern);
const MAX_PAGE = 1000;
const DEFAULT_SPAN_DAYS = 30;

type Query = Record<string, string | string[] | undefined>;

export function rollupsHandler(storage: Storage, maintenance: Maintenance) {
  return async function handleRollups(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) {
    const q = rollupQuery(request.query);
    await maintenance.rollUpNow();
    const rows = await storage.dailyRollups({ ...q, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const body: DailyRollUps = {
      rollups: page.map((r) => ({
        day: r.day, source: r.source, name: r.name, events: r.events, installations: r.installations,
        measurements: JSON.parse(r.measurements) as DailyRollUps['rollups'][number]['measurements'],
        computedAt: isoTime(r.computedAt),
      })),
      nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify([last.day, last.source, last.name])).toString('base64url') : null,
    };
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  };
}

function rollupQuery(query: Query) {
  const one = (name: string, pattern: RegExp, what: string): string | undefined => {
    const v = query[name];
    if (v === undefined) { return undefined; }
    if (Array.isArray(v) || !pattern.test(v)) { throw bad(`${name} must be ${what}, given once.`); }
    return v;
  };
  const to = one('to', DAY, 'a day, YYYY-MM-DD') ?? dayOf(Date.now());
  const from = one('from', DAY, 'a day, YYYY-MM-DD') ?? dayOf(Date.parse(`${to}T00:00:00Z`) - DEFAULT_SPAN_DAYS * 86_400_000);
  if (from > to) { throw bad('from must not be after to.'); }
  const source = one('source', EXTENSION, 'an extension id such as candor.candor');
  const name = one('name', NAME, 'an event name such as candor.command');
  const rawLimit = one('limit', /^[0-9]{1,4}$/, `a whole number from 1 to ${MAX_PAGE}`);
  const limit = rawLimit === undefined ? MAX_PAGE : Number(rawLimit);
  if (limit < 1 || limit > MAX_PAGE) { throw bad(`limit must be a whole number from 1 to ${MAX_PAGE}.`); }
  const cursor = one('cursor', /^[A-Za-z0-9_-]{1,512}$/, 'the nextCursor of the previous page');
  return { from, to, source, name, limit, after: cursor === undefined ? undefined : decodeCursor(cursor) };
}

function decodeCursor(cursor: string): RollupKey {
  try {
    const [day, source, name] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof day === 'string' && typeof source === 'string' && typeof name === 'string' && DAY.test(day)) { return { day, source, name }; }
  } catch { /* answered below */ }
  throw bad('cursor is not one this endpoint gave: pass the nextCursor of the previous page unchanged.');
}

function bad(detail: string): ProblemError {
  return new ProblemError(400, 'invalid_batch', detail);
}
