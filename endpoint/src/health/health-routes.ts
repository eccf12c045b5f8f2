// GET /healthz (the process runs), GET /readyz (the database answers, and the process is not shutting
// down) and GET /metrics (Prometheus text): PROTOCOL.md §6.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Admission } from '../http/admission';
import { ProblemError } from '../http/problem';
import type { Metrics } from '../metrics';
import type { Storage } from '../storage/storage';

const READY_TIMEOUT_MS = 2_000;

export function registerHealthRoutes(app: FastifyInstance, deps: { storage: Storage; admission: Admission; metrics: Metrics; adminGate: (r: FastifyRequest) => void }): void {
  app.get('/healthz', async (_request, reply) => reply.code(200).send({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (deps.admission.isClosing) {
      throw new ProblemError(503, 'overloaded', 'The endpoint is shutting down.', { retryAfterSeconds: 5 });
    }
    try {
      await withTimeout(deps.storage.ping(), READY_TIMEOUT_MS);
      deps.metrics.databaseUp.set(1);
    } catch {
      deps.metrics.databaseUp.set(0);
      throw new ProblemError(503, 'overloaded', 'The database does not answer; the endpoint cannot store events now.', { retryAfterSeconds: 5 });
    }
    return reply.code(200).send({ status: 'ready' });
  });

  app.get('/metrics', { onRequest: async (request) => deps.adminGate(request) }, async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.code(200).header('content-type', deps.metrics.registry.contentType).send(text);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), ms); }),
  ]);
}
