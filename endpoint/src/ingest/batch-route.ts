// POST /v1/batch: the pipeline of PROTOCOL.md §4, one small step per module, in the protocol's order.
// Token and address rate limit ran before this handler (route hooks); here: media type → body → JSON →
// batch → installation rate limit → what the storage already holds (owner, events; where that read is
// cheap) → each event → enrich → store (ownership checked again in the same transaction) → answer.
// Nothing is stored unless everything before the store passed.
import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IngestResponse } from '../../../generated/types';
import { SPEC_VERSION } from '../../../protocol/limits';
import type { Admission } from '../http/admission';
import { checkMediaType } from '../http/media-type';
import { parseJsonBody, refuseIfTooDeep } from '../http/parse-json';
import { ProblemError } from '../http/problem';
import type { RateLimits } from '../http/rate-limits';
import { type BodyLimits, readBody } from '../http/read-body';
import type { Metrics } from '../metrics';
import type { Storage } from '../storage/storage';
import { checkBatch } from './check-batch';
import { checkEvents } from './check-events';
import { isoTime } from '../calendar';
import { deliveryTimes } from './delivery-times';
import { enrich } from './enrich';
import { sameHash } from '../storage/same-hash';

export interface BatchDeps {
  storage: Storage;
  admission: Admission;
  rateLimits: RateLimits;
  limits: BodyLimits;
  metrics: Metrics;
}

export function batchHandler(deps: BatchDeps) {
  return async function handleBatch(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const receivedAt = Date.now();
    deps.admission.enter();
    try {
      const encoding = checkMediaType(request.headers['content-type'], request.headers['content-encoding']);
      const bytes = await readBody(request.raw, encoding, deps.limits);
      const body = parseJsonBody(bytes);
      const batch = checkBatch(body);
      deps.rateLimits.byInstallation(batch.installationId);
      const holding = await deps.storage.holding?.(batch.installationId, eventIds(batch));
      if (holding?.ownerKeyHash !== undefined && !sameHash(holding.ownerKeyHash, batch.ownerKeyHash)) {
        // Step 4 comes before step 6, and its depth is otherwise measured only once an event fails (check-events.ts).
        refuseIfTooDeep(body);
        throw forbidden();
      }
      const verdicts = checkEvents(batch, holding?.stored);
      let accepted = 0;
      // Nothing new for a known owner (a batch sent again): nothing to write. Otherwise the write checks the
      // owner again, in its transaction, and records a new one.
      if (verdicts.candidates.length > 0 || holding?.ownerKeyHash === undefined) {
        const times = deliveryTimes(receivedAt, header(request, 'candor-sent-at'), batch.sentAt);
        const outcome = await deps.storage.ingest({
          installationId: batch.installationId,
          ownerKeyHash: batch.ownerKeyHash,
          receivedAt,
          events: enrich(verdicts.candidates, times),
        });
        if (outcome.kind === 'forbidden') { throw forbidden(); }
        accepted = outcome.accepted;
      }
      const duplicates = verdicts.duplicates + verdicts.candidates.length - accepted;
      // Each series starts at 0 (metrics.ts), so adding 0 would change nothing; prom-client hashes the labels on every call.
      if (accepted > 0) { deps.metrics.events.inc({ outcome: 'accepted' }, accepted); }
      if (duplicates > 0) { deps.metrics.events.inc({ outcome: 'duplicate' }, duplicates); }
      if (verdicts.rejected.length > 0) { deps.metrics.events.inc({ outcome: 'rejected' }, verdicts.rejected.length); }
      const answer: IngestResponse = {
        specVersion: SPEC_VERSION,
        batchId: batch.batchId,
        receivedAt: isoTime(receivedAt),
        bodySha256: hash('sha256', bytes, 'hex'),
        accepted,
        duplicates,
        rejected: verdicts.rejected,
      };
      void reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(answer));
    } finally {
      deps.admission.leave();
    }
  };
}

function forbidden(): ProblemError {
  return new ProblemError(403, 'forbidden',
    'This installation is held with another ownerKeyHash; nothing was stored. A client that lost its owner secret must make a new installation id.');
}

/**
 * The ids the events give, as far as they are strings short enough to be one (the events are not checked
 * yet; an id is a 36-character UUIDv7, and anything far longer cannot be stored, so it is not looked up).
 */
function eventIds(batch: { events: unknown[] }): string[] {
  const ids: string[] = [];
  for (const event of batch.events) {
    const id = (event as { id?: unknown }).id;
    if (typeof id === 'string' && id.length <= 64) { ids.push(id); }
  }
  return ids;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
