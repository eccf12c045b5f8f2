// Candor's API from other extensions, in a real VS Code, against the real endpoint (issue 7): fixture
// extensions installed beside Candor register catalogues and report — through the reporter and the
// drop-in TelemetryReporter — and what arrives is read back from the endpoint's own database. (The
// TelemetryLogger route needs an editor without extension tests loaded: ../logger.test.ts.) Refusals reach the caller as results that name the field and the rule.
// A recording proxy in front of the endpoint keeps every body that went over the wire.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrackResult } from '../../../api/src/types';
import type { CandorApi } from '../../../extension/extension';
import type { CandorEvent } from '../../../generated/types';
import type { FaultProxy } from '../../support/fault-proxy';
import type { CallerFixtureApi } from '../fixtures/caller/extension';
import type { DropInFixtureApi } from '../fixtures/dropin/extension';
import type { ReporterFixtureApi } from '../fixtures/reporter/extension';
import { ENDPOINT_AVAILABLE, candor, eventually, fixture, nextEvent, sendingThroughProxy, setSettings, stopSendingThroughProxy, storedEvents } from '../helpers';

const CALLER = 'candor-fixtures.caller';
const DROPIN = 'candor-fixtures.dropin';
/** A workspace identifier as a caller has it; it must leave only as a keyed hash. */
const RAW_WORKSPACE = 'workspace-7f3a9c-of-someone';
const HASH = /^[0-9a-f]{32}$/;

type Data = { properties?: Record<string, unknown>; measurements?: Record<string, number>; [k: string]: unknown };
const data = (e: CandorEvent) => e.data as Data;
const labelOf = (e: CandorEvent) => data(e).properties?.label;
const idOf = (r: TrackResult) => { assert.equal(r.status, 'accepted', JSON.stringify(r)); return (r as { eventId: string }).eventId; };

suite('The API from other extensions', function () {
  this.timeout(120_000);
  let api: CandorApi;
  let caller: CallerFixtureApi;
  let endpoint: { url: string; databaseFile: string };
  let proxy: FaultProxy;

  suiteSetup(async function () {
    if (!ENDPOINT_AVAILABLE) { this.skip(); }
    ({ api, endpoint, proxy } = await sendingThroughProxy({ reviewBeforeSend: false }));
    ({ api: caller } = await fixture<CallerFixtureApi>('caller'));
  });

  suiteTeardown(async () => { await stopSendingThroughProxy(proxy); });

  /** Sends what waits, and resolves once the endpoint has stored every one of `ids`: id → the event as stored. */
  async function arrived(ids: readonly string[]): Promise<Map<string, CandorEvent>> {
    await vscode.commands.executeCommand('candor.sendNow');
    return eventually(async () => {
      const byId = new Map((await storedEvents(endpoint.databaseFile)).events.map((e) => [e.eventId, e.event]));
      assert.deepEqual(ids.filter((id) => !byId.has(id)), [], 'every accepted event is stored at the endpoint');
      return byId;
    }, { timeoutMs: 30_000, intervalMs: 250 });
  }

  async function storedFrom(extension: string): Promise<CandorEvent[]> {
    return (await storedEvents(endpoint.databaseFile)).events.map((e) => e.event).filter((e) => e.source.extension === extension);
  }

  test('a catalogue of every kind registers, and each valid event arrives at the endpoint as sent, its identifier hashed', async () => {
    assert.equal(caller.registration.ok, true, caller.registration.ok ? '' : caller.registration.message);
    assert.deepEqual(api.catalogues().find((c) => c.extension === CALLER)?.events.map((e) => e.name),
      ['graph.opened', 'graph.rendered', 'graph.failed', 'graph.firstShown'], 'Candor keeps the catalogue for the panel');

    const opened = await caller.usage('graph.opened', { properties: { trigger: 'button', label: 'a-valid', depth: 7, ratio: 0.25, cached: true, workspace: RAW_WORKSPACE }, measurements: { nodes: 120 } });
    const sameWorkspace = await caller.usage('graph.opened', { properties: { trigger: 'palette', label: 'a-same-workspace', workspace: RAW_WORKSPACE } });
    const otherWorkspace = await caller.usage('graph.opened', { properties: { trigger: 'palette', label: 'a-other-workspace', workspace: `${RAW_WORKSPACE}-2` } });
    const noWorkspace = await caller.usage('graph.opened', { properties: { trigger: 'palette', label: 'a-no-workspace' } });
    const rendered = await caller.performance('graph.rendered', 31.5, { properties: { label: 'a-perf' } });
    const failed = await caller.error('graph.failed', new TypeError('could not draw /home/someone/work/graph.ts'), { properties: { label: 'a-error' } });
    const first = await caller.milestone('graph.firstShown');
    assert.equal((await caller.milestone('graph.firstShown')).status, 'notCollected', 'a milestone is reported once');

    const ids = [opened, sameWorkspace, otherWorkspace, noWorkspace, rendered, failed, first].map(idOf);
    const stored = await arrived(ids);
    const [e1, e2, e3, e4, e5, e6, e7] = ids.map((id) => stored.get(id)!);

    for (const e of [e1, e2, e3, e4, e5, e6, e7]) {
      assert.deepEqual(e!.source, { extension: CALLER, version: '0.0.1' }, 'attributed to the calling extension');
      assert.equal(e!.installationId, e1!.installationId);
      assert.match(e!.sessionId, HASH, 'the session id leaves hashed');
    }
    assert.deepEqual([e1, e5, e6, e7].map((e) => [e!.kind, e!.name]),
      [['usage', 'graph.opened'], ['performance', 'graph.rendered'], ['error', 'graph.failed'], ['milestone', 'graph.firstShown']]);

    const hashed = data(e1!).properties!.workspace as string;
    assert.match(hashed, HASH, 'the identifier arrived as a keyed hash');
    assert.deepEqual(data(e1!), { properties: { trigger: 'button', label: 'a-valid', depth: 7, ratio: 0.25, cached: true, workspace: hashed }, measurements: { nodes: 120 } },
      'every property and measurement arrived with its type and value');
    assert.equal(data(e2!).properties!.workspace, hashed, 'the same identifier hashes the same (with this installation\'s salt)');
    assert.notEqual(data(e3!).properties!.workspace, hashed, 'another identifier hashes differently');
    assert.deepEqual(data(e4!).properties, { trigger: 'palette', label: 'a-no-workspace' }, 'an optional identifier may be left out');
    assert.deepEqual(data(e5!), { value: 31.5, unit: 'ms', properties: { label: 'a-perf' } });
    assert.equal(data(e6!).errorType, 'TypeError');
    assert.equal(data(e6!).fatal, false);
    assert.equal(data(e6!).message, 'could not draw <path>.ts', 'the message was scrubbed before it was stored');
    assert.deepEqual(data(e6!).properties, { label: 'a-error' });
    assert.ok(typeof data(e7!).msSinceInstall === 'number' && data(e7!).msSinceInstall as number >= 0, JSON.stringify(data(e7!)));

    const everything = JSON.stringify((await storedEvents(endpoint.databaseFile)).events);
    assert.ok(!everything.includes(RAW_WORKSPACE), 'the raw identifier is nowhere at the endpoint');
    assert.ok(!proxy.bodies.some((b) => b.includes(RAW_WORKSPACE) || b.includes('/home/someone')), 'nor in any body that went over the wire');
  });

  test('invalid events get a refused result that names the field and the rule, and none of them arrives', async () => {
    const valid = { trigger: 'button', label: 'r-base' } as const;
    const cases: { what: string; call: () => Promise<TrackResult>; code: string; pointer: string; rule: RegExp }[] = [
      { what: 'an undeclared event name', call: () => caller.usage('graph.closed', { properties: { ...valid, label: 'r-name' } }),
        code: 'unregistered_event', pointer: '/name', rule: /"graph\.closed" is not an event of candor-fixtures\.caller's catalogue \(declared: graph\.opened, graph\.rendered, graph\.failed, graph\.firstShown\)/ },
      { what: 'the wrong kind', call: () => caller.performance('graph.opened', 3, { properties: { label: 'r-kind' } }),
        code: 'invalid_event', pointer: '/kind', rule: /"graph\.opened" is declared as a usage event; report it with usage\(\), not performance\(\)/ },
      { what: 'a value outside its enum', call: () => caller.usage('graph.opened', { properties: { ...valid, trigger: 'menu', label: 'r-enum' } }),
        code: 'invalid_event', pointer: '/data/properties/trigger', rule: /\/data\/properties\/trigger must be one of \["palette","button"\] \(declared enum\)/ },
      { what: 'a string over its maxLength', call: () => caller.usage('graph.opened', { properties: { ...valid, label: `r-maxlength-${'x'.repeat(30)}` } }),
        code: 'invalid_event', pointer: '/data/properties/label', rule: /\/data\/properties\/label must be at most 32 characters long \(declared maxLength\), is 42/ },
      { what: 'a string where an integer is declared', call: () => caller.usage('graph.opened', { properties: { ...valid, label: 'r-type', depth: 'seven' } }),
        code: 'invalid_event', pointer: '/data/properties/depth', rule: /\/data\/properties\/depth must be a finite number \(declared type "integer"\), not a string/ },
      { what: 'a fraction where an integer is declared', call: () => caller.usage('graph.opened', { properties: { ...valid, label: 'r-integer', depth: 2.5 } }),
        code: 'invalid_event', pointer: '/data/properties/depth', rule: /must be an integer \(declared type "integer"\), not 2\.5/ },
      { what: 'a number over its maximum', call: () => caller.usage('graph.opened', { properties: { ...valid, label: 'r-maximum', ratio: 1.5 } }),
        code: 'invalid_event', pointer: '/data/properties/ratio', rule: /\/data\/properties\/ratio must be at most 1 \(declared maximum\), is 1\.5/ },
      { what: 'a string where a boolean is declared', call: () => caller.usage('graph.opened', { properties: { ...valid, label: 'r-boolean', cached: 'yes' } }),
        code: 'invalid_event', pointer: '/data/properties/cached', rule: /must be a boolean \(declared type "boolean"\), not a string/ },
      { what: 'an undeclared property', call: () => caller.usage('graph.opened', { properties: { ...valid, label: 'r-property', colour: 'red' } }),
        code: 'invalid_event', pointer: '/data/properties/colour', rule: /\/data\/properties\/colour is not a property declared for the event "graph\.opened" in the catalogue/ },
      { what: 'a required property left out', call: () => caller.usage('graph.opened', { properties: { label: 'r-required' } }),
        code: 'invalid_event', pointer: '/data/properties/trigger', rule: /\/data\/properties\/trigger is required by the catalogue's declaration of "graph\.opened" but missing/ },
      { what: 'an undeclared measurement', call: () => caller.usage('graph.opened', { properties: { ...valid, label: 'r-measurement' }, measurements: { edges: 3 } }),
        code: 'invalid_event', pointer: '/data/measurements/edges', rule: /\/data\/measurements\/edges is not a measurement declared for the event "graph\.opened"/ },
      { what: 'a value that is not a finite number', call: () => caller.performance('graph.rendered', Number.NaN, { properties: { label: 'r-value' } }),
        code: 'invalid_event', pointer: '/data/value', rule: /\/data\/value must be a finite number within ±10\^15, not NaN/ },
    ];
    for (const c of cases) {
      const result = await c.call();
      assert.equal(result.status, 'refused', `${c.what}: ${JSON.stringify(result)}`);
      if (result.status !== 'refused') { continue; }
      assert.equal(result.code, c.code, `${c.what}: its reason code`);
      assert.ok(result.errors.some((e) => e.pointer === c.pointer), `${c.what}: names the field ${c.pointer}: ${JSON.stringify(result.errors)}`);
      assert.match(result.message, c.rule, `${c.what}: the message names the field and the rule`);
    }

    // Over the per-caller rate: the bucket holds 200, so 260 at once cannot all be taken.
    const burst = await caller.burst(260, 'r-burst');
    const overLimit = burst.filter((r) => r.status === 'refused');
    assert.ok(overLimit.length >= 60, `at least 60 of 260 at once are over the limit (${overLimit.length})`);
    for (const r of overLimit) {
      assert.ok(r.status === 'refused' && r.code === 'caller_rate_limited' && /^candor-fixtures\.caller sent more events than its limit allows; try again in \d+ ms\.$/.test(r.message), JSON.stringify(r));
    }
    assert.ok(burst.every((r) => r.status === 'accepted' || r.status === 'refused'), 'each call has its own answer');

    // Candor keeps working: once the rate allows (a fraction of a second), a valid event is taken and arrives.
    const after = await eventually(async () => {
      const r = await caller.usage('graph.opened', { properties: { ...valid, label: 'r-after' } });
      assert.equal(r.status, 'accepted', JSON.stringify(r));
      return r;
    }, { timeoutMs: 10_000, intervalMs: 250 });
    await arrived([idOf(after), ...burst.filter((r) => r.status === 'accepted').map(idOf)]);
    const labels = (await storedFrom(CALLER)).map(labelOf);
    assert.deepEqual(labels.filter((l) => typeof l === 'string' && l.startsWith('r-') && !['r-after', 'r-burst'].includes(l)), [], 'no refused event arrived');
    assert.equal(labels.filter((l) => l === 'r-burst').length, burst.length - overLimit.length, 'of the burst, exactly the accepted ones arrived, once each');
  });

  test('a catalogue registered under another extension\'s id is refused, and that extension\'s own is untouched', async () => {
    const { api: other } = await fixture<ReporterFixtureApi>('reporter');
    const before = api.catalogues().find((c) => c.extension === 'candor-fixtures.reporter');
    assert.ok(before, 'the reporter fixture registered its own catalogue');
    const claimed = await caller.registerAs('candor-fixtures.reporter');
    assert.equal(claimed.ok, false, 'refused');
    assert.ok(!claimed.ok && /names the extension "candor-fixtures\.reporter", but it was registered by "candor-fixtures\.caller"\. An extension registers only its own events\./.test(claimed.message), JSON.stringify(claimed));
    assert.ok(!claimed.ok && claimed.errors.some((e) => e.pointer === '/extension'), 'it names the field');
    assert.deepEqual(api.catalogues().find((c) => c.extension === 'candor-fixtures.reporter'), before, 'the other extension\'s catalogue is unchanged');
    assert.deepEqual(api.catalogues().find((c) => c.extension === CALLER)?.events.map((e) => e.name).slice(0, 1), ['graph.opened'], 'and the caller\'s own stays registered');

    const theirs = await other.script('a-impersonation');
    const mine = await caller.usage('graph.opened', { properties: { trigger: 'button', label: 'a-impersonation' } });
    const stored = await arrived([idOf(theirs.usage), idOf(mine)]);
    assert.equal(stored.get(idOf(theirs.usage))!.source.extension, 'candor-fixtures.reporter', 'each extension\'s events stay its own');
    assert.equal(stored.get(idOf(mine))!.source.extension, CALLER);
  });

  test('the drop-in TelemetryReporter takes @vscode/extension-telemetry\'s call shapes, honours the level without a bypass, and its events arrive', async () => {
    const { api: dropin } = await fixture<DropInFixtureApi>('dropin');
    const used = await dropin.call('sendTelemetryEvent', 'dropin.used', { view: 'scm', label: 'd-used' }, { files: 3 });
    const took = await dropin.call('sendTelemetryEvent', 'dropin.took', { label: 'd-took' }, { durationMs: 41.5 });
    const failed = await dropin.call('sendTelemetryErrorEvent', 'dropin.failed', { label: 'd-failed', stage: 'layout' });
    const raw = await dropin.call('sendRawTelemetryEvent', 'dropin.used', { view: 'explorer', label: 'd-raw' });
    const undeclared = await dropin.call('sendTelemetryEvent', 'dropin.used', { view: 'scm', label: 'd-undeclared', colour: 'red' });
    assert.equal(dropin.telemetryLevel, 'all');
    assert.ok(undeclared.status === 'refused' && /\/data\/properties\/colour is not a property declared/.test(undeclared.message), JSON.stringify(undeclared));
    // Delivered now: lowering the level below would purge the usage events still waiting.
    const stored = await arrived([used, took, failed, raw].map(idOf));

    // At the editor's level "error", the incumbent's "dangerous" methods would still send usage; Candor's do not.
    const errorsOnly = nextEvent(api.onDidChangeConsent, (s) => s.editorLevel === 'error' && !s.usageAllowed && s.errorsAllowed);
    await setSettings({ 'telemetry.telemetryLevel': 'error' });
    await errorsOnly;
    await eventually(() => assert.equal(dropin.telemetryLevel, 'error'));
    const dangerous = await dropin.call('sendDangerousTelemetryEvent', 'dropin.used', { view: 'scm', label: 'd-dangerous' });
    const dangerousError = await dropin.call('sendDangerousTelemetryErrorEvent', 'dropin.failed', { label: 'd-dangerous-error' });
    assert.equal(dangerous.status, 'notCollected', JSON.stringify(dangerous));
    const allAgain = nextEvent(api.onDidChangeConsent, (s) => s.editorLevel === 'all' && s.usageAllowed);
    await setSettings({ 'telemetry.telemetryLevel': 'all' });
    await allAgain;
    await dropin.dispose(); // waits for what was sent to be recorded

    await arrived([idOf(dangerousError)]);
    const byLabel = new Map((await storedFrom(DROPIN)).map((e) => [labelOf(e), e]));
    assert.deepEqual(data(stored.get(idOf(used))!), { properties: { view: 'scm', label: 'd-used' }, measurements: { files: 3 } });
    assert.deepEqual([stored.get(idOf(took))!.kind, data(stored.get(idOf(took))!)], ['performance', { value: 41.5, unit: 'ms', properties: { label: 'd-took' } }],
      'a performance event takes its value from the one measurement');
    assert.equal(stored.get(idOf(failed))!.kind, 'error');
    assert.deepEqual(data(stored.get(idOf(failed))!).properties, { label: 'd-failed', stage: 'layout' });
    assert.equal(stored.get(idOf(raw))!.name, 'dropin.used');
    assert.equal(byLabel.get('d-dangerous'), undefined, 'the usage event sent while only errors were allowed never arrived');
    assert.equal(byLabel.get('d-undeclared'), undefined);
  });
});
