// The endpoint's HTTP layer on a no-op route: the real fastify instance of the endpoint (its hooks,
// logging, metrics and error handling), plus POST /bench/noop with the batch route's own gates and steps
// — ingest token, address rate limit, admission, media type and encoding, body within its limits, JSON —
// answering 200 without validating or storing. Compared with bare node:http + JSON.parse.
import type { FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../endpoint/src/config/parse-config';
import { TokenCheck } from '../../endpoint/src/http/bearer-token';
import { checkMediaType } from '../../endpoint/src/http/media-type';
import { parseJsonBody } from '../../endpoint/src/http/parse-json';
import { readBody } from '../../endpoint/src/http/read-body';
import { createEndpoint } from '../../endpoint/src/server';
import { openStorage } from '../../endpoint/src/storage/open-storage';

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), {});
  if (parsed.kind !== 'config') { throw new Error(JSON.stringify(parsed)); }
  const config = parsed.config;
  const storage = await openStorage(config.database, 1);
  const { app, admission } = await createEndpoint(config, storage);
  const token = new TokenCheck(config.ingestTokens, 'an ingest token');
  const limitAddress = (app as unknown as { createRateLimit(o: object): (r: unknown) => Promise<unknown> })
    .createRateLimit({ max: config.rateLimitPerAddress || 1e9, keyGenerator: (r: { ip: string }) => `a:${r.ip}` });
  // The same gate as the client routes of server.ts: one callback-style hook, token then address limit.
  const onRequest = (request: FastifyRequest, _reply: unknown, done: (error?: Error) => void) => {
    try { token.check(request.headers.authorization); } catch (error) { done(error as Error); return; }
    limitAddress(request).then(() => done(), done);
  };
  app.post('/bench/noop', { onRequest }, async (request, reply) => {
    admission.enter();
    try {
      const encoding = checkMediaType(request.headers['content-type'], request.headers['content-encoding']);
      parseJsonBody(await readBody(request.raw, encoding, { maxBytes: config.maxBodyBytes, timeoutMs: config.bodyTimeoutMs }));
      return reply.code(200).header('content-type', 'application/json; charset=utf-8').send('{}');
    } finally {
      admission.leave();
    }
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`listening on http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
  process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
}

void main();
