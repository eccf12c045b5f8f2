// Every HTTP exchange of schemas/vectors/http/ against the live endpoint, on SQLite and on PostgreSQL,
// each with the configuration its file asks for (an endpoint without an ingest token, and one with).
import path from 'node:path';
import type { HTTPConformanceExchange } from '../../generated/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExchanges } from '../../scripts/conformance/load-exchanges';
import { runExchange } from '../../scripts/conformance/run-exchange';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { DATABASES, freshDatabase } from './support/databases';

const files = loadExchanges(path.resolve(__dirname, '../../schemas/vectors/http'));
const TOKEN = 'conformance-ingest-token-0123456789';

describe.each(DATABASES)('HTTP exchanges on %s', (kind) => {
  let open: RunningEndpoint;
  let guarded: RunningEndpoint;

  beforeAll(async () => {
    [open, guarded] = await Promise.all([
      startEndpoint({ database: await freshDatabase(kind) }),
      startEndpoint({ database: await freshDatabase(kind), ingestTokens: [TOKEN] }),
    ]);
  });
  afterAll(async () => { await Promise.all([open?.stop(), guarded?.stop()]); });

  it.each(files.map((f) => [f.name, f] as const))('%s', async (_name, { exchange }) => {
    const required = exchange.config.ingestToken === 'required';
    const result = await runExchange(exchange, { baseUrl: (required ? guarded : open).url, ingestToken: required ? TOKEN : undefined });
    const failures = result.steps.filter((s) => s.problems.length > 0).map((s) => `${s.description}: ${s.problems.join('; ')}`);
    expect(failures).toEqual([]);
    expect(result.passed).toBe(true);
  });
});

describe('the conformance runner', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => { endpoint = await startEndpoint(); });
  afterAll(async () => { await endpoint?.stop(); });

  it('fails an exchange whose answer differs in status, header, schema or body', async () => {
    const health = files.find((f) => f.name === 'health.json')!.exchange;
    const wrong: HTTPConformanceExchange = {
      ...health,
      steps: [
        { description: 'wrong status', request: { method: 'GET' as const, path: '/healthz' }, response: { status: 204 } },
        { description: 'wrong header', request: { method: 'GET' as const, path: '/healthz' }, response: { status: 200, headers: { 'Content-Type': '^text/html$' } } },
        { description: 'wrong schema', request: { method: 'GET' as const, path: '/healthz' }, response: { status: 200, bodySchema: 'https://candor.dev/schemas/v1/protocol/problem.schema.json' } },
        { description: 'wrong body', request: { method: 'GET' as const, path: '/healthz' }, response: { status: 200, body: { status: 'fine' } } },
      ] as HTTPConformanceExchange['steps'],
    };
    const result = await runExchange(wrong, { baseUrl: endpoint.url });
    expect(result.passed).toBe(false);
    expect(result.steps.map((s) => s.problems.length > 0)).toEqual([true, true, true, true]);
    expect(result.steps[3]!.problems).toEqual(['body /status: expected "fine", got "ok"']);
  });
});
