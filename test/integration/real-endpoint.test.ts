// The pipeline against the reference endpoint (endpoint/, started as an operator would, on a throwaway
// SQLite file), through the fault-injecting proxy, on the real disk. What is stored is read back the way
// a user reads it: through the export route, with the installation's owner secret..
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../extension/core/pipeline';
import { httpTransport } from '../../extension/node/http-transport';
import { nodeFiles } from '../../extension/node/node-files';
import { lazyValidators, thisProcess } from '../../extension/node/node-environment';
import { BACKOFF_CAP_MS } from '../../protocol/retry';
import { INGEST_TOKEN_KEY } from '../../extension/core/ports/secrets';
import { FakeClock } from '../support/fake-clock';
import { directModules, FakeSecrets, TEST_CLIENT, validatorFile } from '../support/fakes';
import { FaultProxy } from '../support/fault-proxy';
import { accept, consentAt, failure, perf, SETTINGS, usage } from '../support/harness';
import { TEST_PERSONAL } from '../support/pii-corpus';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, '../..');
/** The endpoint's own test helper; CANDOR_ENDPOINT_DIR may point at another checkout's endpoint/. */
const HELPER = path.join(process.env.CANDOR_ENDPOINT_DIR ?? path.join(ROOT, 'endpoint'), 'testing/start-endpoint.mjs');
const validators = lazyValidators((name) => require(validatorFile(name)));

interface Running { url: string; stop(signal?: string): Promise<unknown> }
type Start = (options?: { port?: number; database?: string; keepDatabase?: boolean; ingestTokens?: string[] }) => Promise<Running>;

describe('against the reference endpoint, through a fault-injecting proxy', () => {
  let start: Start;
  let endpoint: Running;
  let dir: string;
  let proxy: FaultProxy;
  let secrets: FakeSecrets;
  let clock: FakeClock;
  let pipeline: Pipeline;

  beforeEach(async () => {
    start = ((await import(pathToFileURL(HELPER).href)) as { startEndpoint: Start }).startEndpoint;
    dir = mkdtempSync(path.join(tmpdir(), 'candor-real-endpoint-'));
    endpoint = await start({ database: `sqlite:${path.join(dir, 'endpoint.db')}`, keepDatabase: true });
    proxy = new FaultProxy(endpoint.url.replace(/\/?$/, '/'));
    await proxy.start();
    secrets = new FakeSecrets();
    clock = new FakeClock(Date.now());
    pipeline = new Pipeline({
      storage: path.join(dir, 'candor'), files: nodeFiles, clock, transport: httpTransport, secrets, validators, modules: directModules,
      process: thisProcess, client: TEST_CLIENT, personal: TEST_PERSONAL, requestTimeoutMs: 2000,
    });
    clock.waitFor(() => pipeline.idle());
    await pipeline.start(consentAt('all', true, proxy.url), { ...SETTINGS, endpoint: proxy.url });
  }, 120_000);

  afterEach(async () => {
    await pipeline.shutdown(0);
    await proxy.stop();
    await endpoint.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the endpoint stores for this installation, read through its export route with the owner secret. */
  async function storedIds(): Promise<string[]> {
    const doc = JSON.parse((await (await pipeline.dataRights()).exportAll()).json) as { endpoint: { installations: { status: string; message?: string; events: { event: { id: string } }[] }[] } };
    const [mine] = doc.endpoint.installations;
    expect(mine?.status, mine?.message).toBe('exported');
    return mine!.events.map((e) => e.event.id);
  }

  const track = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) { ids.push(await accept(pipeline, i % 3 === 0 ? failure() : i % 3 === 1 ? perf() : usage())); }
    return ids;
  };

  function exactlyOnce(stored: string[], accepted: string[]): void {
    expect(stored.length).toBe(new Set(stored).size);
    expect([...stored].sort()).toEqual([...accepted].sort());
  }

  it('down, then up; a reset mid-upload; a commit then reset; 429 and 503 with Retry-After; a slow answer: every accepted event stored exactly once', async () => {
    const port = proxy.port;
    await proxy.stop();
    const ids = await track(30);
    await clock.advance(30_000);
    await clock.advance(60_000);
    expect(pipeline.status().lastFailure?.message).toMatch(/ECONNREFUSED/);
    await proxy.start(port);
    proxy.failNext({ kind: 'reset-mid-upload' });
    proxy.failNext({ kind: 'commit-then-reset' });
    proxy.failNext({ kind: 'status', status: 429, code: 'rate_limited', retryAfter: '3' });
    proxy.failNext({ kind: 'status', status: 503, code: 'overloaded', retryAfter: new Date(clock.now() + 5000).toUTCString() });
    proxy.failNext({ kind: 'slow', ms: 3000 });
    for (let i = 0; i < 8; i++) { await clock.advance(BACKOFF_CAP_MS); }
    ids.push(...await track(20));
    await clock.advance(31_000);
    await clock.advance(BACKOFF_CAP_MS);
    expect(pipeline.status().pendingEvents).toBe(0);
    exactlyOnce(await storedIds(), ids);
    expect(proxy.forwarded).toBeGreaterThan(3);
  }, 180_000);

  it('a 500 is a refusal: the events are in the refused list with the endpoint\'s reason, and not stored', async () => {
    proxy.failNext({ kind: 'status', status: 500, code: 'internal_error' });
    const refused = await track(4);
    await clock.advance(30_000);
    const kept = await track(4);
    await clock.advance(31_000);
    expect(pipeline.records.rejected.map((r) => r.eventId).sort()).toEqual([...refused].sort());
    exactlyOnce(await storedIds(), kept);
  }, 120_000);

  it('the endpoint killed and restarted on its database: nothing accepted is lost or stored twice', async () => {
    const ids = await track(20);
    proxy.failNext({ kind: 'slow', ms: 1000 });
    void clock.advance(30_000);
    await new Promise((r) => setTimeout(r, 300));
    await endpoint.stop('SIGKILL');
    endpoint = await start({ database: `sqlite:${path.join(dir, 'endpoint.db')}`, keepDatabase: true });
    proxy.upstream = endpoint.url.replace(/\/?$/, '/');
    ids.push(...await track(5));
    for (let i = 0; i < 4; i++) { await clock.advance(BACKOFF_CAP_MS); }
    expect(pipeline.status().pendingEvents).toBe(0);
    exactlyOnce(await storedIds(), ids);
  }, 180_000);

  it('a rotated ingest token holds the events (403, then 401 without one) until the new token is set; then every one is stored exactly once', async () => {
    const onTokens = async (tokens: string[]) => {
      await endpoint.stop();
      endpoint = await start({ database: `sqlite:${path.join(dir, 'endpoint.db')}`, keepDatabase: true, ingestTokens: tokens });
      proxy.upstream = endpoint.url.replace(/\/?$/, '/');
    };
    await onTokens(['old-ingest-token-0123456789']);
    await secrets.store(INGEST_TOKEN_KEY, 'old-ingest-token-0123456789');
    const ids = await track(5);
    await clock.advance(30_000);
    expect(pipeline.status().pendingEvents).toBe(0);

    // The team rotates the token; this user has not set the new one yet.
    await onTokens(['new-ingest-token-0123456789']);
    ids.push(...await track(6));
    await clock.advance(30_000);
    expect(pipeline.status()).toMatchObject({ pendingEvents: 6, lastFailure: { held: true, message: expect.stringMatching(/refused the ingest token.*HTTP 403 forbidden/) } });
    await clock.advance(BACKOFF_CAP_MS);
    expect(pipeline.status().pendingEvents).toBe(6);
    await secrets.delete(INGEST_TOKEN_KEY);
    pipeline.delivery.credentialsChanged();
    await clock.advance(0);
    await pipeline.idle();
    expect(pipeline.status()).toMatchObject({ pendingEvents: 6, lastFailure: { held: true, message: expect.stringMatching(/requires an ingest token and none is set.*HTTP 401 unauthorized/) } });
    expect(pipeline.records.rejected).toEqual([]);

    await secrets.store(INGEST_TOKEN_KEY, 'new-ingest-token-0123456789');
    pipeline.delivery.credentialsChanged();
    await clock.advance(0);
    await pipeline.idle();
    expect(pipeline.status().pendingEvents).toBe(0);
    expect(pipeline.status().lastFailure).toBeUndefined();
    exactlyOnce(await storedIds(), ids);
  }, 180_000);

  it('delete my data: the endpoint deletes every installation id with its secret, and then holds nothing of them', async () => {
    await track(6);
    await clock.advance(31_000);
    const before = pipeline.identity.current!.installationId;
    const result = await (await pipeline.dataRights()).deleteAll();
    expect(result).toMatchObject({ ok: true, receipts: [expect.objectContaining({ installationId: before, deletedEvents: 6 })] });
    expect(pipeline.identity.current!.installationId).not.toBe(before);
    const doc = JSON.parse((await (await pipeline.dataRights()).exportAll()).json) as { endpoint: { installations: { installationId: string; status: string }[] } };
    expect(doc.endpoint.installations.map((i) => i.status)).toEqual(['nothingStored']);
  }, 120_000);
});
