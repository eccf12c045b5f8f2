// `npm run bench -- api`: the cost of one event through Candor's API as a calling extension pays it —
// the reporter that register() hands out (the event checked against the caller's catalogue, the
// caller's limits, then Candor's intake) — against the same events handed to the intake directly, as
// Candor's own events go in. Same events, same bursts, same durable queue, measured in this run,
// interleaved so that the shared machine's load falls on both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventCatalogue } from '../../generated/types';
import { CallerLimiter, DEFAULT_CALLER_LIMITS } from '../../extension/core/api/caller-limits';
import { Reporter } from '../../extension/core/api/reporter';
import { Milestones } from '../../extension/core/builtin/milestones';
import { CatalogueRegistry, type CatalogueValidator } from '../../extension/core/catalogue/registry';
import type { EventInput } from '../../extension/core/events/event-input';
import type { TrackResult } from '../../extension/core/events/intake';
import { lazyValidators } from '../../extension/node/node-environment';
import { toFieldErrors } from '../../protocol/validation-errors';
import { openPipeline } from '../pipeline/open-pipeline';

interface Options { quick: boolean; root: string }
interface Row { figure: string; value: number; unit: string; reference?: string; referenceValue?: number; ratio?: number; target?: string; pass?: boolean }

const EXTENSION = 'bench.caller';
const source = { extension: EXTENSION, version: '1.0.0' };
const BURST = 100;

const catalogue: EventCatalogue = {
  extension: EXTENSION,
  events: [{
    name: 'bench.used', kind: 'usage', description: 'A command of the calling extension ran.', purpose: 'FeatureInsight',
    properties: {
      command: { type: 'string', maxLength: 64, description: 'Which command.', classification: 'SystemMetaData' },
      files: { type: 'integer', minimum: 0, maximum: 100_000, description: 'How many files it touched.', classification: 'SystemMetaData' },
      staged: { type: 'boolean', description: 'Whether the files were staged.', classification: 'SystemMetaData' },
      view: { type: 'string', maxLength: 32, description: 'Where it ran from.', classification: 'SystemMetaData' },
      detail: { type: 'string', maxLength: 256, description: 'What went wrong, scrubbed.', classification: 'CallstackOrException' },
    },
    measurements: { ms: { description: 'How long it took.', unit: 'ms' } },
  }],
};

/** The pipeline section's mix: short names, a number, a flag; one event in ten carries a path and an e-mail to scrub. */
function fields(i: number) {
  const properties: Record<string, string | number | boolean> = { command: 'git.commit', files: i % 17, staged: i % 2 === 0, view: 'scm' };
  if (i % 10 === 0) { properties.detail = `failed for jane@example.com at /home/jane/repo/src/app.ts line ${i}`; }
  return { properties, measurements: { ms: (i % 250) / 3 } };
}
const input = (i: number): EventInput => ({ kind: 'usage', name: 'bench.used', data: fields(i) });

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
const turn = () => new Promise<void>((r) => setImmediate(r));

interface Measured { p50us: number; p99us: number; amortisedUs: number }

/**
 * `n` events in bursts of 100 per turn of the event loop, as calls arrive in an extension host; each
 * call timed until it returns its promise (what the caller's code waits for before going on), the
 * whole until every event is on disk.
 */
async function measure(n: number, call: (i: number) => Promise<TrackResult>): Promise<Measured> {
  const perCall: number[] = [];
  const all: Promise<void>[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += BURST) {
    for (let k = 0; k < BURST; k++) {
      const t0 = process.hrtime.bigint();
      const p = call(i + k);
      perCall.push(Number(process.hrtime.bigint() - t0));
      all.push(p.then((r) => { if (r.status !== 'accepted') { throw new Error(`not accepted: ${JSON.stringify(r)}`); } }));
    }
    await turn();
  }
  await Promise.all(all);
  const total = Number(process.hrtime.bigint() - started);
  const sorted = perCall.sort((a, b) => a - b);
  return { p50us: quantile(sorted, 0.5) / 1000, p99us: quantile(sorted, 0.99) / 1000, amortisedUs: total / n / 1000 };
}

export async function run(options: Options): Promise<{ title: string; rows: Row[] }> {
  const n = options.quick ? 5_000 : 20_000;
  const rounds = options.quick ? 3 : 5; // odd, so that each median is one run's figure
  const dir = path.join(options.root, 'generated/validators');
  const load = (name: string) => require(`${dir}/${name}.cjs`) as unknown;
  const validators = lazyValidators(load);
  const validateCatalogue = load('catalogue') as CatalogueValidator;

  const once = async (through: 'api' | 'intake') => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'candor-bench-api-'));
    const pipeline = await openPipeline(scratch, validators, true, 10 * n);
    const registry = new CatalogueRegistry({ get: () => undefined, set: async () => {} }, (e) => toFieldErrors(e));
    const registered = await registry.register(catalogue, EXTENSION, validateCatalogue);
    if (!registered.ok) { throw new Error(`the bench's catalogue is refused: ${JSON.stringify(registered)}`); }
    // The limiter's arithmetic is the same for any budget; the default budget (200 at once, 600 a minute)
    // would refuse a bench's volume, so this one is large enough for it, with the default size limit.
    const limiter = new CallerLimiter({ now: Date.now }, { perMinute: 1e9, burst: 1e9, maxEventBytes: DEFAULT_CALLER_LIMITS.maxEventBytes });
    const reporter = new Reporter(source, '/home/jane/.vscode/extensions/bench.caller-1.0.0', {
      registry, intake: pipeline, limiter, milestones: new Milestones({ reached: {} }, () => Date.now()), clock: { now: Date.now },
      onRefused: (code) => { throw new Error(`refused: ${code}`); }, allows: () => true,
    });
    const call = through === 'api' ? (i: number) => reporter.usage('bench.used', fields(i)) : (i: number) => pipeline.track(source, input(i));
    await measure(2_000, call); // warm-up: the validators compiled, the queue's file open
    const result = await measure(n, call);
    await pipeline.shutdown(0);
    rmSync(scratch, { recursive: true, force: true });
    return result;
  };

  const api: Measured[] = [];
  const intake: Measured[] = [];
  for (let r = 0; r < rounds; r++) {
    intake.push(await once('intake'));
    api.push(await once('api'));
  }
  // Each figure is the median over the rounds, and each ratio the median of the ratios of neighbouring runs.
  const figure = (k: keyof Measured) => ({ value: median(api.map((m) => m[k])), referenceValue: median(intake.map((m) => m[k])), ratio: median(api.map((m, i) => m[k] / intake[i]![k])) });
  return {
    title: `api: one event through the API (a registered reporter's usage()) against the intake directly; ${n.toLocaleString('en')} events, ${rounds} rounds`,
    rows: [
      { figure: 'per call, p50 (until the call returns its promise)', unit: 'µs', reference: 'intake directly', ...figure('p50us') },
      { figure: 'per call, p99', unit: 'µs', reference: 'intake directly', ...figure('p99us') },
      { figure: 'amortised, until every event is on disk', unit: 'µs/event', reference: 'intake directly', ...figure('amortisedUs') },
    ],
  };
}
