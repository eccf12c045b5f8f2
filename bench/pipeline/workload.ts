// The pipeline section's measurements that run inside one fresh process (bundled by pipeline.bench.mjs):
//  intake   — per-event cost of Candor's whole intake (check, scrub, hash, build, persist with group
//             commit) against a bare reference (precompiled validator + JSON.stringify + fs.writeSync),
//             durable and not durable, same events, same bursts;
//  memory   — heap after 100,000 events through a queue bounded at 10,000.
// Prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventInput } from '../../extension/core/events/event-input';
import { lazyValidators } from '../../extension/node/node-environment';
import { BURST, WARM_UP, bareReference, completeEvents, quantile, stats, turn } from './bare-reference';
import { openPipeline } from './open-pipeline';
import { EXTENSION_VALIDATORS } from '../../scripts/validator-sources.mjs';
import type { CandorEvent } from '../../generated/types';

declare const gc: (() => void) | undefined;
// The pipeline's validators are those the extension ships; the bare reference checks with the full one.
const validators = lazyValidators((name) => require(`${process.env.CANDOR_ROOT}/${EXTENSION_VALIDATORS[name]}`));
const validateEvent = require(`${process.env.CANDOR_ROOT}/generated/validators/event.cjs`) as (e: unknown) => boolean;
const source = { extension: 'bench.caller', version: '1.0.0' };

/** A realistic mix: short names, a number, a flag; one event in ten carries a path and an e-mail to scrub. */
function input(i: number): EventInput {
  const properties: Record<string, string | number | boolean> = { command: 'git.commit', files: i % 17, staged: i % 2 === 0, view: 'scm' };
  if (i % 10 === 0) { properties.detail = `failed for jane@example.com at /home/jane/repo/src/app.ts line ${i}`; }
  return { kind: 'usage', name: 'bench.used', data: { properties, measurements: { ms: (i % 250) / 3 } } };
}

async function candor(n: number, durable: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-bench-'));
  const pipeline = await openPipeline(dir, durable, 10 * n, validators);
  for (let i = 0; i < WARM_UP; i += BURST) { await Promise.all(Array.from({ length: BURST }, (_, k) => pipeline.track(source, input(i + k)))); }
  const perCall: number[] = [];
  const toDisk: number[] = [];
  const all: Promise<unknown>[] = [];
  const started = process.hrtime.bigint();
  // Bursts of 100 calls, each burst in its own turn of the event loop (as events arrive in an extension
  // host); the caller does not wait for one burst to be on disk before the next, and the time ends when
  // every event is on disk.
  for (let i = 0; i < n; i += BURST) {
    for (let k = 0; k < BURST; k++) {
      const t0 = process.hrtime.bigint();
      const p = pipeline.track(source, input(i + k));
      const t1 = process.hrtime.bigint();
      perCall.push(Number(t1 - t0));
      all.push(p.then((r) => { if ((r as { status: string }).status !== 'accepted') { throw new Error(JSON.stringify(r)); } toDisk.push(Number(process.hrtime.bigint() - t0)); }));
    }
    await turn();
  }
  await Promise.all(all);
  const total = Number(process.hrtime.bigint() - started);
  const log = pipeline.queue!.logStats;
  await pipeline.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
  const durableLatency = [...toDisk].sort((a, b) => a - b);
  return { ...stats(perCall, total, n), durableP50us: quantile(durableLatency, 0.5) / 1000, durableP99us: quantile(durableLatency, 0.99) / 1000, writes: log.writes, syncs: log.syncs };
}

function reference(n: number) {
  return bareReference(completeEvents(n + WARM_UP, 'bench.used', source, (i) => (input(i) as { data: CandorEvent['data'] }).data), validateEvent);
}

async function memory(n: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-bench-mem-'));
  const pipeline = await openPipeline(dir, true, 10_000, validators);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i += 200) { await Promise.all(Array.from({ length: 200 }, (_, k) => pipeline.track(source, input(i + k)))); }
  await pipeline.queue!.settled();
  gc?.();
  const after = process.memoryUsage();
  const result = { events: n, held: pipeline.queue!.eventCount, droppedQueueFull: pipeline.records.drops.queue_full ?? 0, heapGrowthMiB: (after.heapUsed - before) / 2 ** 20, heapUsedMiB: after.heapUsed / 2 ** 20, rssMiB: after.rss / 2 ** 20 };
  await pipeline.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
  return result;
}

async function main(): Promise<void> {
  const mode = process.env.CANDOR_BENCH_MODE;
  const n = Number(process.env.CANDOR_BENCH_N ?? 20_000);
  if (mode === 'memory') { process.stdout.write(JSON.stringify(await memory(n))); return; }
  // Interleaved, so that the shared machine's load falls on each alike.
  const ref1 = await reference(n);
  const durable = await candor(n, true);
  const nonDurable = await candor(n, false);
  const ref2 = await reference(n);
  const durable2 = await candor(n, true);
  const best = <T extends { amortisedUs: number }>(a: T, b: T) => (a.amortisedUs <= b.amortisedUs ? a : b);
  process.stdout.write(JSON.stringify({ reference: best(ref1, ref2), durable: best(durable, durable2), nonDurable }));
}

main().catch((e) => { process.stderr.write(String((e as Error).stack)); process.exit(1); });
