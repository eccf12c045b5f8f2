// Real processes on one storage folder: a window killed with SIGKILL in the middle of a delivery, and two
// windows writing and delivering at the same time. Every event a process accepted must be stored at the
// endpoint exactly once, and no window may deliver another window's event.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChild } from '../support/child';
import { ProtocolServer } from '../support/protocol-server';

let dir: string;
let server: ProtocolServer;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'candor-processes-'));
  server = new ProtocolServer();
  await server.start();
});
afterEach(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every whole line of every queue log now (files come and go under the running windows). */
const queueLines = () => readdirSync(path.join(dir, 'queue'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.jsonl') && !f.endsWith('ledger.jsonl'))
  .flatMap((f) => { try { return readFileSync(path.join(dir, 'queue', f), 'utf8').split('\n').slice(0, -1); } catch { return []; } });

describe('processes', () => {
  it.each([
    ['while the endpoint is storing a batch', 'store'],
    ['after the endpoint stored a batch, before the answer arrives', 'answer'],
  ])('SIGKILL %s, then a restart: every accepted event is stored exactly once', async (_, when) => {
    let kill: (() => void) | undefined;
    let batchesSeen = 0;
    server.onBatch = () => { if (++batchesSeen === 3 && when === 'store') { kill?.(); } };
    if (when === 'answer') { server.failNext({ kind: 'slow', ms: 200 }, 3); }
    const first = await runChild({ STORAGE: dir, ENDPOINT: server.url, COUNT: '3000', BATCH: '100' });
    kill = () => first.process.kill('SIGKILL');
    if (when === 'answer') {
      server.onBatch = () => { if (++batchesSeen === 3) { setTimeout(() => first.process.kill('SIGKILL'), 100); } };
    }
    expect(await first.exited).toBeNull();
    expect(first.process.signalCode).toBe('SIGKILL');
    expect(first.accepted.length).toBeGreaterThan(0);
    const storedBeforeRestart = server.storedIds().length;
    expect(storedBeforeRestart).toBeLessThan(first.accepted.length);
    // The restarted window adopts what the killed one left (its folder's owner is dead) and delivers it.
    const second = await runChild({ STORAGE: dir, ENDPOINT: server.url, MODE: 'drain' }, first.secrets);
    await second.until('DONE');
    expect(await second.exited).toBe(0);
    for (const id of first.accepted) { expect(server.stored.get(id), id).toBe(1); }
    // Nothing was made up: whatever arrived was written by the first process.
    expect(server.storedIds().length).toBeGreaterThanOrEqual(first.accepted.length);
    expect(server.storedIds().length).toBeLessThanOrEqual(3000);
    expect(server.storedIds().length).toBeGreaterThan(storedBeforeRestart);
  });

  it('two windows at once never interleave lines or deliver the same event twice', async () => {
    const a = await runChild({ STORAGE: dir, ENDPOINT: server.url, COUNT: '1500', LABEL: 'a', BATCH: '40' });
    const b = await runChild({ STORAGE: dir, ENDPOINT: server.url, COUNT: '1500', LABEL: 'b', BATCH: '40' }, []);
    await Promise.all([a.until('TRACKED'), b.until('TRACKED')]);
    const lines = queueLines();
    for (const line of lines) { expect(() => JSON.parse(line)).not.toThrow(); }
    await Promise.all([a.exited, b.exited]);
    expect(a.stderr.join('')).toBe('');
    expect(b.stderr.join('')).toBe('');
    const accepted = [...a.accepted, ...b.accepted];
    expect(accepted.length).toBe(3000);
    for (const id of accepted) { expect(server.stored.get(id), id).toBe(1); }
    // Not once on the wire twice: no window delivered another's events, nothing was resent.
    expect(server.wire.length).toBe(3000);
    expect(new Set(server.wire).size).toBe(3000);
  });
});
