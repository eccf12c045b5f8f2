// The endpoint's HTTP layer on a no-op route: the real fastify instance of the endpoint (its hooks,
// logging, metrics and error handling), plus POST /bench/noop with the batch route's own gates and steps
// — ingest token, address rate limit, admission, media type and encoding, body within its limits, JSON —
// answering 200 without validating or storing. Compared with bare node:http + JSON.parse.
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../endpoint/src/config/parse-config';
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
  const { app, admission, clientGate } = await createEndpoint(config, storage);
  // The client routes' own gate: ingest token, then the address's rate limit.
  app.post('/bench/noop', clientGate, async (request, reply) => {
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
