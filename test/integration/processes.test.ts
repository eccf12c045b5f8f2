// Real processes on one storage folder: a window killed with SIGKILL in the middle of a delivery, and two
// windows writing and delivering at the same time. Every event a process accepted must be stored at the
// endpoint exactly once, and no window may deliver another window's event. The endpoint is the reference
// endpoint (read back through its export route); a proxy in front of it sees every batch on the wire.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportInstallation } from '../../extension/core/rights/endpoint-rights';
import { ownerSecretKey } from '../../extension/core/ports/secrets';
import { httpTransport } from '../../extension/node/http-transport';
import { lazyValidators } from '../../extension/node/node-environment';
import { runChild } from '../support/child';
import { validatorFile } from '../support/fakes';
import { FaultProxy } from '../support/fault-proxy';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, '../..');
const HELPER = path.join(process.env.CANDOR_ENDPOINT_DIR ?? path.join(ROOT, 'endpoint'), 'testing/start-endpoint.mjs');
const validators = lazyValidators((name) => require(validatorFile(name)));

let dir: string;
let endpoint: { url: string; stop(): Promise<unknown> } | undefined;
let proxy: FaultProxy;
/** Event ids in every batch the endpoint answered 200 for (a retry of a committed batch appears twice). */
let wire: string[];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'candor-processes-'));
  const { startEndpoint } = (await import(pathToFileURL(HELPER).href)) as { startEndpoint: (o?: object) => Promise<{ url: string; stop(): Promise<unknown> }> };
  endpoint = await startEndpoint();
  const upstream = endpoint.url.replace(/\/?$/, '/');
  wire = [];
  proxy = new FaultProxy(upstream);
  proxy.onExchange = (batch, status) => { if (status === 200) { wire.push(...batch.events.map((e) => e.id)); } };
  await proxy.start();
}, 120_000);
afterEach(async () => {
  await proxy.stop();
  await endpoint?.stop();
  endpoint = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Every event id the endpoint stores for the storage's installation, with how many times. */
async function stored(secrets: [string, string][]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const identity = JSON.parse(readFileSync(path.join(dir, 'identity.json'), 'utf8')) as { installationId: string };
  const secret = new Map(secrets).get(ownerSecretKey(identity.installationId))!;
  const result = await exportInstallation(httpTransport, validators, { endpoint: proxy.url, installationId: identity.installationId, secret, token: undefined });
  if (result.status !== 'exported') { throw new Error(`export: ${JSON.stringify(result)}`); }
  for (const { event } of result.events) { counts.set(event.id, (counts.get(event.id) ?? 0) + 1); }
  return counts;
}

/** Every whole line of every queue log now (files come and go under the running windows). */
const queueLines = () => readdirSync(path.join(dir, 'queue'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.jsonl') && !f.endsWith('ledger.jsonl'))
  .flatMap((f) => { try { return readFileSync(path.join(dir, 'queue', f), 'utf8').split('\n').slice(0, -1); } catch { return []; } });

describe('processes, against the reference endpoint', () => {
  it.each([
    ['while the endpoint is storing a batch', 'store'],
    ['after the endpoint stored a batch, before the answer arrives', 'answer'],
  ])('SIGKILL %s, then a restart: every accepted event is stored exactly once', async (_, when) => {
    let batches = 0;
    const first = await runChild({ STORAGE: dir, ENDPOINT: proxy.url, COUNT: '3000', BATCH: '100' });
    if (when === 'store') {
      proxy.onRequest = () => { if (++batches === 3) { first.process.kill('SIGKILL'); } };
    } else {
      proxy.failNext({ kind: 'slow', ms: 300 }, 3);
      const record = proxy.onExchange!;
      proxy.onExchange = (batch, status) => { record(batch, status); if (++batches === 3) { first.process.kill('SIGKILL'); } };
    }
    expect(await first.exited).toBeNull();
    expect(first.process.signalCode).toBe('SIGKILL');
    expect(first.accepted.length).toBeGreaterThan(0);
    const before = new Set(wire).size;
    expect(before).toBeLessThan(first.accepted.length);
    // The restarted window adopts what the killed one left (its folder's owner is dead) and delivers it.
    const second = await runChild({ STORAGE: dir, ENDPOINT: proxy.url, MODE: 'drain' }, first.secrets);
    await second.until('DONE');
    expect(await second.exited).toBe(0);
    const counts = await stored(second.secrets);
    for (const id of first.accepted) { expect(counts.get(id), id).toBe(1); }
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBeLessThanOrEqual(3000);
    expect(new Set(wire).size).toBeGreaterThan(before);
  }, 180_000);

  it('two windows at once never interleave lines or deliver the same event twice', async () => {
    const a = await runChild({ STORAGE: dir, ENDPOINT: proxy.url, COUNT: '1500', LABEL: 'a', BATCH: '40' });
    const b = await runChild({ STORAGE: dir, ENDPOINT: proxy.url, COUNT: '1500', LABEL: 'b', BATCH: '40' });
    await Promise.all([a.until('TRACKED'), b.until('TRACKED')]);
    for (const line of queueLines()) { expect(() => JSON.parse(line)).not.toThrow(); }
    await Promise.all([a.exited, b.exited]);
    expect(a.stderr.join('')).toBe('');
    expect(b.stderr.join('')).toBe('');
    const accepted = [...a.accepted, ...b.accepted];
    expect(accepted.length).toBe(3000);
    const counts = await stored([...a.secrets, ...b.secrets]);
    for (const id of accepted) { expect(counts.get(id), id).toBe(1); }
    // Not once on the wire twice: no window delivered another's events, nothing was resent.
    expect(wire.length).toBe(3000);
    expect(new Set(wire).size).toBe(3000);
  }, 180_000);
});
