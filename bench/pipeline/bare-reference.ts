// The pipeline benches' yardsticks: per-call timing statistics, and the bare reference an intake is
// measured against — a precompiled validator + JSON.stringify + fs.writeSync of the line to an open file.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CandorEvent } from '../../generated/types';
import { newEventId } from '../../protocol/ids';

export interface Timing { p50us: number; p99us: number; amortisedUs: number }

/** Calls per turn of the event loop, as events arrive in an extension host. */
export const BURST = 100;
export const WARM_UP = 2_000;

export const turn = () => new Promise<void>((r) => setImmediate(r));
export const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export function stats(ns: number[], totalNs: number, n: number): Timing {
  const s = [...ns].sort((a, b) => a - b);
  return { p50us: quantile(s, 0.5) / 1000, p99us: quantile(s, 0.99) / 1000, amortisedUs: totalNs / n / 1000 };
}

/** Complete events as Candor would store them, with the given data, for the bare reference. */
export function completeEvents(count: number, name: string, source: CandorEvent['source'], dataOf: (i: number) => unknown): CandorEvent[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: newEventId(now), kind: 'usage', name, timestamp: new Date(now).toISOString(), sequence: i,
    installationId: '3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8', sessionId: '9b2f0c7e4a1d6b3e8f5a2c9d0e7b4a1f', source,
    client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' },
    data: dataOf(i),
  } as CandorEvent));
}

/** The bare reference over `events` (the first WARM_UP of them warm up), with a turn of the event loop every BURST. */
export async function bareReference(events: readonly CandorEvent[], validateEvent: (e: unknown) => boolean): Promise<Timing> {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-bench-ref-'));
  const fd = openSync(path.join(dir, 'ref.jsonl'), 'a');
  const one = (e: CandorEvent) => { if (!validateEvent(e)) { throw new Error('the bare reference made an invalid event'); } writeSync(fd, `${JSON.stringify(e)}\n`); };
  for (let i = 0; i < WARM_UP; i++) { one(events[i]!); }
  const perCall: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = WARM_UP; i < events.length; i++) {
    const t0 = process.hrtime.bigint();
    one(events[i]!);
    perCall.push(Number(process.hrtime.bigint() - t0));
    if (i % BURST === BURST - 1) { await turn(); }
  }
  const total = Number(process.hrtime.bigint() - started);
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return stats(perCall, total, events.length - WARM_UP);
}
