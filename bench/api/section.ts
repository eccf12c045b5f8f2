// `npm run bench -- api`: the cost of one event that another extension sends through Candor's API — its
// reporter checks the event against the extension's registered catalogue and the extension's limits,
// then Candor's intake checks, scrubs, hashes and persists it with group commit — against, in the same
// run and on the same events:
//  - the same events handed straight to the intake (what Candor's built-in events cost): the API's own share;
//  - the bare reference of the pipeline section (precompiled validator + JSON.stringify + fs.writeSync).
// The three run interleaved, twice each, and the better run of each counts, so that the shared machine's
// load falls on each alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NewNameApprovals } from '../../extension/core/api/approvals';
import { Registrar } from '../../extension/core/api/registrar';
import { BuiltinEvents } from '../../extension/core/builtin/builtin-events';
import type { CatalogueValidator } from '../../extension/core/catalogue/registry';
import type { Clock } from '../../extension/core/clock';
import { evaluateConsent } from '../../extension/core/consent/consent';
import type { EventInput } from '../../extension/core/events/event-input';
import type { LazyValidators } from '../../extension/core/ports/validators';
import { lazyValidators } from '../../extension/node/node-environment';
import type { CandorReporter, TrackResult } from '../../api/src/types';
import type { EventCatalogue } from '../../generated/types';
import { BURST, WARM_UP, bareReference, completeEvents, stats, turn, type Timing } from '../pipeline/bare-reference';
import { openPipeline } from '../pipeline/open-pipeline';
import { EXTENSION_VALIDATORS } from '../../scripts/validator-sources.mjs';

interface Options { quick: boolean; root: string }
interface Row { figure: string; value: number; unit: string; reference?: string; referenceValue?: number; ratio?: number; target?: string; pass?: boolean }

const CALLER = { extension: 'acme.git-graph', version: '2.1.0' };

/** The caller's catalogue: a usage event with the property types an extension declares, one of them an identifier (hashed). */
const CATALOGUE: EventCatalogue = {
  extension: CALLER.extension,
  events: [{
    name: 'openView', kind: 'usage', description: 'The graph view was opened, and from where.', purpose: 'FeatureInsight',
    properties: {
      trigger: { type: 'string', enum: ['palette', 'button'], description: 'How the view was opened.', classification: 'SystemMetaData' },
      branches: { type: 'integer', minimum: 0, maximum: 100_000, description: 'How many branches.', classification: 'SystemMetaData' },
      dark: { type: 'boolean', description: 'Whether a dark theme was active.', classification: 'SystemMetaData' },
      detail: { type: 'string', maxLength: 200, description: 'What happened, in words (scrubbed).', classification: 'SystemMetaData' },
      repoId: { type: 'string', maxLength: 256, description: 'Which repository, as a keyed hash.', classification: 'EndUserPseudonymizedInformation' },
    },
    required: ['trigger'],
    measurements: { nodes: { description: 'How many commits the graph showed.', unit: 'count' } },
  }],
};

/** The pipeline section's mix: short values, a number, a flag; one event in ten carries a path and an e-mail to scrub and an identifier to hash. */
function fields(i: number): { properties: Record<string, string | number | boolean>; measurements: Record<string, number> } {
  const properties: Record<string, string | number | boolean> = { trigger: i % 3 === 0 ? 'button' : 'palette', branches: i % 17, dark: i % 2 === 0 };
  if (i % 10 === 0) {
    properties.detail = `failed for jane@example.com at /home/jane/repo/src/app.ts line ${i}`;
    properties.repoId = `github.com/jane/repo-${i % 7}`;
  }
  return { properties, measurements: { nodes: i % 250 } };
}

const inputOf = (i: number): EventInput => ({ kind: 'usage', name: 'openView', data: fields(i) });

export async function run(options: Options): Promise<{ title: string; rows: Row[] }> {
  const n = options.quick ? 5_000 : 20_000;
  // The validators the extension ships (lean where every session loads them); the bare reference checks with the full one.
  const validators = lazyValidators((name) => require(path.join(options.root, EXTENSION_VALIDATORS[name]!)));
  const validateEvent = require(path.join(options.root, 'generated/validators/event.cjs')) as (e: unknown) => boolean;

  const api1 = await throughApi(n, validators);
  const direct1 = await straightToIntake(n, validators);
  const events = completeEvents(n + WARM_UP, 'openView', CALLER, fields);
  const bare1 = await bareReference(events, validateEvent);
  const api2 = await throughApi(n, validators);
  const direct2 = await straightToIntake(n, validators);
  const bare2 = await bareReference(events, validateEvent);
  const best = (a: Timing, b: Timing) => (a.amortisedUs <= b.amortisedUs ? a : b);
  const api = best(api1, api2);
  const direct = best(direct1, direct2);
  const ref = best(bare1, bare2);

  const row = (figure: string, value: number, reference: string, referenceValue: number, target?: number): Row => ({
    figure, value, unit: 'µs', reference, referenceValue, ratio: value / referenceValue,
    ...(target !== undefined ? { target: `≤ ${target}×`, pass: value / referenceValue <= target } : {}),
  });
  return {
    title: `api: one event from another extension through its reporter (catalogue check, limits, intake, durable group commit), ${n.toLocaleString('en')} events in bursts of ${BURST}, better of 2 runs each`,
    rows: [
      // The intake's own targets against the bare reference are the pipeline section's; here, what the API adds to it.
      row('p50 per call, through the API', api.p50us, 'bare validate + stringify + writeSync', ref.p50us),
      row('p99 per call, through the API', api.p99us, 'bare validate + stringify + writeSync', ref.p99us),
      row('amortised per event until on disk, through the API', api.amortisedUs, 'bare validate + stringify + writeSync', ref.amortisedUs),
      row('p50 per call: the API\'s share', api.p50us, 'the same events straight to the intake', direct.p50us, 1.5),
      row('p99 per call: the API\'s share', api.p99us, 'the same events straight to the intake', direct.p99us, 1.5),
      row('amortised: the API\'s share', api.amortisedUs, 'the same events straight to the intake', direct.amortisedUs, 1.5),
    ],
  };
}

/** A clock for the caller's limiter on which the events arrive at the caller's allowed rate (600 a minute). */
function pacedClock(): Clock & { tick(): void } {
  let now = Date.now();
  return { now: () => now, tick: () => { now += 100; } };
}

async function throughApi(n: number, validators: LazyValidators): Promise<Timing> {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-bench-api-'));
  const pipeline = await openPipeline(dir, true, 10 * (n + WARM_UP), validators);
  const clock = pacedClock();
  const state = new Map<string, unknown>();
  const store = { get: <T>(key: string) => state.get(key) as T | undefined, update: async (key: string, value: unknown) => { state.set(key, value); } };
  const builtins = new BuiltinEvents({ extension: 'candor.candor', version: '0.1.0' }, pipeline, clock, store, () => clock.now(), undefined, true);
  const consent = evaluateConsent({ editorUsageEnabled: true, editorErrorsEnabled: true, editorLevel: 'all', candorEnabled: true, endpoint: 'http://127.0.0.1:9/' });
  const saved = new Map<string, EventCatalogue>();
  const registrar = new Registrar({
    store: { get: (id) => saved.get(id), set: async (id, c) => { saved.set(id, c); } },
    intake: pipeline, builtins, approvals: new NewNameApprovals({ get: () => [], set: async () => {} }), clock, consent: () => consent,
  });
  const registered = await registrar.register(CATALOGUE, { id: CALLER.extension, version: CALLER.version, root: undefined }, (await validators.get('catalogue')) as unknown as CatalogueValidator);
  if (!registered.ok) { throw new Error(`the bench's catalogue was refused: ${registered.message}`); }
  const reporter: CandorReporter = registered.reporter;
  const timing = await timed(n, (i) => { clock.tick(); return reporter.usage('openView', fields(i)); });
  await pipeline.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
  return timing;
}

async function straightToIntake(n: number, validators: LazyValidators): Promise<Timing> {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-bench-api-direct-'));
  const pipeline = await openPipeline(dir, true, 10 * (n + WARM_UP), validators);
  // The reporter names the declared identifiers that an event carries, for hashing; so does this caller.
  const timing = await timed(n, (i) => pipeline.track(CALLER, inputOf(i), i % 10 === 0 ? { identifiers: ['repoId'] } : {}));
  await pipeline.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
  return timing;
}

/**
 * Bursts of 100 calls, each burst in its own turn of the event loop (as events arrive in an extension
 * host); the caller does not wait for a burst to be on disk before the next. Per call: the time the call
 * takes the caller; amortised: the whole run until every event is on disk, per event.
 */
async function timed(n: number, call: (i: number) => Promise<TrackResult>): Promise<Timing> {
  const check = (r: TrackResult) => { if (r.status !== 'accepted') { throw new Error(`an event of the bench was not accepted: ${JSON.stringify(r)}`); } };
  for (let i = 0; i < WARM_UP; i += BURST) { (await Promise.all(Array.from({ length: BURST }, (_, k) => call(i + k)))).forEach(check); }
  const perCall: number[] = [];
  const all: Promise<void>[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += BURST) {
    for (let k = 0; k < BURST; k++) {
      const t0 = process.hrtime.bigint();
      const p = call(WARM_UP + i + k);
      perCall.push(Number(process.hrtime.bigint() - t0));
      all.push(p.then(check));
    }
    await turn();
  }
  await Promise.all(all);
  return stats(perCall, Number(process.hrtime.bigint() - started), n);
}
