// The pipeline on the real disk and real HTTP over loopback, through a fault-injecting proxy, to a server
// that speaks the protocol. Timers are driven by a fake clock (no sleeping); the I/O is real.
// (The same tests against the reference endpoint are in real-endpoint.test.ts once it is merged.)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../extension/core/pipeline';
import { httpTransport } from '../../extension/node/http-transport';
import { nodeFiles } from '../../extension/node/node-files';
import { lazyValidators, thisProcess } from '../../extension/node/node-environment';
import { BACKOFF_CAP_MS } from '../../protocol/retry';
import { FakeClock } from '../support/fake-clock';
import { directModules, FakeSecrets, TEST_CLIENT, validatorFile } from '../support/fakes';
import { accept, consentAt, failure, SETTINGS, usage } from '../support/harness';
import { PII_CORPUS, PII_SECRETS, TEST_PERSONAL } from '../support/pii-corpus';
import { FaultProxy } from '../support/fault-proxy';
import { ProtocolServer } from '../support/protocol-server';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const validators = lazyValidators((name) => require(validatorFile(name)));

let dir: string;
let server: ProtocolServer;
let proxy: FaultProxy;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'candor-loopback-'));
  server = new ProtocolServer();
  await server.start();
  proxy = new FaultProxy(server.url);
  await proxy.start();
});
afterEach(async () => {
  await proxy.stop();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: { requestTimeoutMs?: number } = {}) {
  const clock = new FakeClock(Date.now());
  const pipeline = new Pipeline({
    storage: dir, files: nodeFiles, clock, transport: httpTransport, secrets: new FakeSecrets(), validators, modules: directModules,
    process: thisProcess, client: TEST_CLIENT, personal: TEST_PERSONAL, ...options,
  });
  clock.waitFor(() => pipeline.idle());
  await pipeline.start(consentAt('all', true, proxy.url), { ...SETTINGS, endpoint: proxy.url });
  return { clock, pipeline };
}

const track = async (pipeline: Pipeline, n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) { ids.push(await accept(pipeline, i % 5 === 0 ? failure() : usage())); }
  return ids;
};

function everyStoredOnce(ids: readonly string[]): void {
  for (const id of ids) { expect(server.stored.get(id), id).toBe(1); }
}

describe('against a protocol server over loopback, on the real disk', () => {
  it('endpoint down, then up: every accepted event arrives exactly once', async () => {
    const { clock, pipeline } = await open();
    const port = proxy.port;
    await proxy.stop();
    const ids = await track(pipeline, 50);
    await clock.advance(30_000);
    await clock.advance(60_000);
    expect(pipeline.status().lastFailure?.message).toMatch(/ECONNREFUSED/);
    await proxy.start(port);
    ids.push(...await track(pipeline, 20));
    await clock.advance(BACKOFF_CAP_MS);
    await clock.advance(31_000);
    everyStoredOnce(ids);
    expect(server.storedIds().length).toBe(ids.length);
    await pipeline.shutdown();
  });

  it('connection reset mid-upload, and a server that commits then resets: each event stored once', async () => {
    const { clock, pipeline } = await open();
    proxy.failNext({ kind: 'reset-mid-upload' });
    proxy.failNext({ kind: 'commit-then-reset' });
    const ids = await track(pipeline, 30);
    await clock.advance(30_000);
    await clock.advance(BACKOFF_CAP_MS);
    await clock.advance(BACKOFF_CAP_MS);
    everyStoredOnce(ids);
    // The committed batch came twice on the wire; the endpoint kept one copy.
    expect(server.wire.length).toBe(2 * ids.length);
    expect(pipeline.records.history[0]).toMatchObject({ outcome: 'delivered', accepted: 0, duplicates: ids.length });
    await pipeline.shutdown();
  });

  it('429 with Retry-After (both forms) and 503: waits as told, then delivers', async () => {
    const { clock, pipeline } = await open();
    proxy.failNext({ kind: 'status', status: 429, code: 'rate_limited', retryAfter: '7' });
    proxy.failNext({ kind: 'status', status: 503, code: 'overloaded', retryAfter: new Date(clock.now() + 90_000).toUTCString() });
    const ids = await track(pipeline, 10);
    await clock.advance(30_000);
    expect(pipeline.status().nextAttemptAt! - clock.now()).toBe(7000);
    await clock.advance(7000);
    expect(pipeline.status().nextAttemptAt! - clock.now()).toBeGreaterThan(50_000);
    await clock.advance(90_000);
    everyStoredOnce(ids);
    await pipeline.shutdown();
  });

  it('500s are refusals: the events go to the refused list with the endpoint\'s reason, counted, never resent', async () => {
    const { clock, pipeline } = await open();
    proxy.failNext({ kind: 'status', status: 500, code: 'internal_error' });
    const refused = await track(pipeline, 5);
    await clock.advance(30_000);
    const later = await track(pipeline, 5);
    await clock.advance(30_000);
    expect(pipeline.records.rejected.map((r) => r.eventId).sort()).toEqual([...refused].sort());
    expect(pipeline.records.rejected[0]!.message).toMatch(/^HTTP 500 internal_error: internal_error: injected internal_error/);
    everyStoredOnce(later);
    expect(server.storedIds().length).toBe(later.length);
    await pipeline.shutdown();
  });

  it('a slow endpoint: the attempt times out and is retried; the event is stored once', async () => {
    const { clock, pipeline } = await open({ requestTimeoutMs: 300 });
    proxy.failNext({ kind: 'slow', ms: 1500 });
    const ids = await track(pipeline, 3);
    await clock.advance(30_000);
    expect(pipeline.status().lastFailure?.message).toMatch(/no answer in time/);
    await clock.advance(BACKOFF_CAP_MS);
    everyStoredOnce(ids);
    await pipeline.shutdown();
  });

  it('no string of the PII corpus is in any byte stored on disk or sent', async () => {
    const { clock, pipeline } = await open();
    pipeline.setPaused(true);
    for (const s of PII_CORPUS) { await accept(pipeline, usage({ text: s.text })); await accept(pipeline, failure(s.text)); }
    pipeline.sealNow();
    await pipeline.queue!.settled();
    const stored = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(dir, f)).filter((f) => { try { return readFileSync(f).length >= 0; } catch { return false; } })
      .map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(stored.length).toBeGreaterThan(1000);
    pipeline.setPaused(false);
    await clock.advance(0);
    const sent = JSON.stringify(server.batches);
    for (const secret of PII_SECRETS) {
      expect(stored.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(sent.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    await pipeline.shutdown();
  });
});
