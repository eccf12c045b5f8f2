// Assembles the endpoint: one fastify instance with the routes of PROTOCOL.md, their hooks (tokens, rate
// limits), one error handler that turns every refusal into problem details, metrics and logs. Nothing
// here decides about events; that is the pipeline in ingest/.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController, type onRequestHookHandler } from 'fastify';
import { rollupsHandler } from './admin/rollups-route';
import { Maintenance } from './analytics/maintenance';
import type { Config } from './config/options';
import { deleteHandler } from './data-rights/delete-route';
import { exportHandler } from './data-rights/export-route';
import { registerHealthRoutes } from './health/health-routes';
import { Admission } from './http/admission';
import { TokenCheck } from './http/bearer-token';
import { ProblemError, sendProblem } from './http/problem';
import { createRateLimits } from './http/rate-limits';
import { ClientGoneError } from './http/read-body';
import { batchHandler } from './ingest/batch-route';
import { Metrics } from './metrics';
import { DatabaseUnavailableError, type Storage } from './storage/storage';

export interface Endpoint {
  app: FastifyInstance;
  admission: Admission;
  maintenance: Maintenance;
  metrics: Metrics;
  /** The client routes' onRequest hook (ingest token, then the address's rate limit). */
  clientGate: { onRequest: onRequestHookHandler };
}

type Destination = { write(line: string): unknown };

export async function createEndpoint(config: Config, storage: Storage, logDestination: Destination = process.stderr): Promise<Endpoint> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      stream: logDestination,
      // Only what identifies the request's route and peer: never headers (tokens, secrets) or bodies.
      serializers: {
        req: (req: { method: string; routeOptions?: { url?: string }; ip: string }) => ({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', remoteAddress: req.ip }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    // One line per answer, written by the onResponse hook below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (pino's child() costs microseconds on every batch, to log nothing on most):
    // the lines written about a request carry its id themselves.
    childLoggerFactory: (logger) => logger,
    trustProxy: config.trustProxy,
    return503OnClosing: false,
    requestTimeout: config.bodyTimeoutMs + 5_000,
  });

  const admission = new Admission(config.maxInFlight);
  const health = storage.health?.bind(storage);
  const metrics = new Metrics({ ping: () => storage.ping(), inFlight: () => admission.current, ...(health && { storageHealth: health }) });
  const maintenance = new Maintenance(storage, config.retentionDays, config.maintenanceIntervalMs, app.log);
  const ingestToken = new TokenCheck(config.ingestTokens, 'an ingest token');
  const adminToken = new TokenCheck(config.adminToken ? [config.adminToken] : [], 'the admin token');
  const rateLimits = createRateLimits({
    perAddressPerMinute: config.rateLimitPerAddress,
    perInstallationPerMinute: config.rateLimitPerInstallation,
  });

  // Bodies are read by the routes themselves (http/read-body.ts), under their limits: fastify's own parsers
  // would buffer before our checks of media type, size and encoding.
  // The catch-all is never cached by fastify, which then parses the header again on every request;
  // registered under the media type clients send, it is looked up once.
  app.removeAllContentTypeParsers();
  const leaveBodyToRoute = (_request: FastifyRequest, _payload: unknown, done: (error: Error | null, body?: unknown) => void) => done(null, undefined);
  app.addContentTypeParser('application/json', leaveBodyToRoute);
  app.addContentTypeParser('*', leaveBodyToRoute);

  // One hook for both gates of the client routes, in callback style: it runs on every batch.
  const clientGate = {
    onRequest(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
      try {
        ingestToken.check(request.headers.authorization);
        rateLimits.byAddress(request.ip);
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    },
  };
  const adminGate = (r: FastifyRequest) => adminToken.check(r.headers.authorization);

  app.post('/v1/batch', clientGate, batchHandler({
    storage, admission, rateLimits, metrics, limits: { maxBytes: config.maxBodyBytes, timeoutMs: config.bodyTimeoutMs },
  }));
  app.get<{ Params: { installationId: string }; Querystring: Record<string, string | string[]> }>('/v1/installations/:installationId/events', clientGate, exportHandler(storage));
  app.delete<{ Params: { installationId: string } }>('/v1/installations/:installationId', clientGate, deleteHandler(storage));
  registerHealthRoutes(app, { storage, admission, metrics, adminGate });
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/admin/v1/daily-rollups', { onRequest: async (r) => adminGate(r) }, rollupsHandler(storage, maintenance));
  refuseOtherMethods(app);

  app.setNotFoundHandler(async (request) => {
    throw new ProblemError(404, 'not_found', `There is no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}. See schemas/PROTOCOL.md for the routes.`);
  });
  app.setErrorHandler(async (error: FastifyError | Error, request, reply) => {
    if (error instanceof ClientGoneError) {
      request.raw.destroy();
      return reply;
    }
    return sendProblem(reply, asProblem(error, request));
  });

  // While shutting down, every answer closes its connection, so that the server can finish closing.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (admission.isClosing) { reply.header('connection', 'close'); }
    done(null, payload);
  });

  // Answers below 400 are logged at debug; the line is built only when that level is on.
  const logSuccess = app.log.level === 'debug' || app.log.level === 'trace';
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    metrics.answers.record(request.routeOptions.url ?? 'unmatched', status, reply.elapsedTime / 1000);
    if (status >= 400 || logSuccess) {
      const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
      request.log[level]({ reqId: request.id, req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'answered');
    }
    done();
  });

  return { app, admission, maintenance, metrics, clientGate };
}

/** Known routes with another method get 405 and Allow (PROTOCOL.md §4, step 1), before any token check. */
function refuseOtherMethods(app: FastifyInstance): void {
  const ALL = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
  const routes: [string, string[]][] = [
    ['/v1/batch', ['POST']],
    ['/v1/installations/:installationId/events', ['GET', 'HEAD']],
    ['/v1/installations/:installationId', ['DELETE']],
    ['/healthz', ['GET', 'HEAD']],
    ['/readyz', ['GET', 'HEAD']],
    ['/metrics', ['GET', 'HEAD']],
    ['/admin/v1/daily-rollups', ['GET', 'HEAD']],
  ];
  for (const [url, allowed] of routes) {
    const others = ALL.filter((m) => !allowed.includes(m));
    app.route({
      method: others, url, handler: async (request) => {
        throw new ProblemError(405, 'method_not_allowed', `${request.method} is not allowed on ${url}; use ${allowed.join(' or ')}.`, { allow: allowed.join(', ') });
      },
    });
  }
}

function asProblem(error: FastifyError | Error, request: FastifyRequest): ProblemError {
  if (error instanceof ProblemError) { return error; }
  if (error instanceof DatabaseUnavailableError) {
    request.log.warn({ reqId: request.id, reason: error.message }, 'database unavailable');
    return new ProblemError(503, 'overloaded', 'The database is unavailable; nothing was stored. Retry later.', { retryAfterSeconds: 5 });
  }
  // Errors fastify raises about a malformed request before our code runs (a bad URL, bad headers).
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = status === 404 ? 'not_found' : status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type'
      : status === 408 ? 'request_timeout' : status === 429 ? 'rate_limited' : 'invalid_json';
    return new ProblemError(status, code, `The request is malformed: ${error.message.slice(0, 300)}`);
  }
  request.log.error({ reqId: request.id, err: error }, 'internal error');
  return new ProblemError(500, 'internal_error', 'The endpoint failed to process this request; this is its fault, not the request\'s. Its operator can find the error in its log.');
}
