// The pipeline in a real VS Code, reporting through the API from a second installed extension, to an
// endpoint on loopback: the consent matrix (every telemetry level × candor.enabled × endpoint), changes
// taking effect at once, and events purged on withdrawal never arriving. What arrives is read where it
// arrives: a recording proxy in front of the endpoint (the reference endpoint when this checkout has it,
// otherwise a server that answers as the protocol says) sees each batch and the endpoint's answer.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CandorApi } from '../../../extension/extension';
import type { ReporterFixtureApi } from '../fixtures/reporter/extension';
import { FaultProxy } from '../../support/fault-proxy';
import { ProtocolServer } from '../../support/protocol-server';
import { candor, ENDPOINT_AVAILABLE, eventually, fixture, nextEvent, setSettings, startEndpoint } from '../helpers';

type Level = 'all' | 'error' | 'crash' | 'off' | undefined;
const LEVELS: Level[] = [undefined, 'all', 'error', 'crash', 'off'];
const KINDS = ['usage', 'performance', 'error'] as const;

/** What VS Code's definition lets through: usage needs `all`, errors need `error` or `all` (unset is `all`). */
function allowed(level: Level, enabled: boolean, endpoint: boolean, kind: (typeof KINDS)[number]): boolean {
  const l = level ?? 'all';
  return enabled && endpoint && (kind === 'error' ? l === 'all' || l === 'error' : l === 'all');
}

suite('The pipeline in the editor', function () {
  this.timeout(240_000);
  let api: CandorApi;
  let reporter: ReporterFixtureApi;
  let server: ProtocolServer | undefined;
  let proxy: FaultProxy;
  /** label → kinds that arrived with it, and how many times each event id was accepted by the endpoint. */
  const arrived = new Map<string, string[]>();
  const ids = new Map<string, number>();

  suiteSetup(async () => {
    ({ api } = await candor());
    let upstream: string;
    if (ENDPOINT_AVAILABLE) { upstream = (await startEndpoint()).url; } else { server = new ProtocolServer(); await server.start(); upstream = server.url; }
    proxy = new FaultProxy(upstream);
    proxy.onExchange = (batch, status) => {
      if (status !== 200) { return; }
      for (const e of batch.events) {
        const label = (e.data as { properties?: { label?: string } }).properties?.label;
        if (e.source.extension !== 'candor-fixtures.reporter' || !label) { continue; }
        arrived.set(label, [...(arrived.get(label) ?? []), e.kind]);
        ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
      }
    };
    await proxy.start();
    ({ api: reporter } = await fixture<ReporterFixtureApi>('reporter'));
    assert.equal(reporter.registerMessage, 'ok', 'the fixture registered its catalogue');
  });

  suiteTeardown(async () => {
    await setSettings({ 'telemetry.telemetryLevel': undefined, 'candor.enabled': undefined, 'candor.endpoint': undefined, 'candor.batch.intervalSeconds': undefined });
    await proxy?.stop();
    await server?.stop();
  });

  async function apply(level: Level, enabled: boolean, endpoint: boolean): Promise<void> {
    const want = { level: level ?? 'all', enabled, endpoint: endpoint ? proxy.url : undefined };
    const matches = () => { const s = api.consent(); return s.editorLevel === want.level && s.candorEnabled === want.enabled && s.endpoint === want.endpoint; };
    const changed = matches() ? undefined : nextEvent(api.onDidChangeConsent, matches, 15_000);
    await setSettings({ 'telemetry.telemetryLevel': level, 'candor.enabled': enabled, 'candor.endpoint': endpoint ? proxy.url : undefined });
    await changed;
    await eventually(() => assert.ok(matches(), `consent now: ${JSON.stringify(api.consent())}`));
  }

  /** Sends what waits, and waits until the endpoint answered for the events labelled `marker`. */
  async function deliverUpTo(marker: string): Promise<void> {
    await apply('all', true, true);
    const results = await reporter.script(marker);
    assert.equal(results.usage.status, 'accepted', JSON.stringify(results));
    await vscode.commands.executeCommand('candor.sendNow');
    await eventually(() => assert.deepEqual([...(arrived.get(marker) ?? [])].sort(), [...KINDS].sort()), { timeoutMs: 60_000, intervalMs: 250 });
  }

  test('the consent matrix: for every level × candor.enabled × endpoint, exactly the allowed kinds are recorded and arrive', async () => {
    await setSettings({ 'candor.batch.intervalSeconds': 1 });
    const expected = new Map<string, string[]>();
    for (const level of LEVELS) {
      for (const enabled of [true, false]) {
        for (const endpoint of [true, false]) {
          const label = `m-${level ?? 'unset'}-${enabled ? 'on' : 'off'}-${endpoint ? 'set' : 'unset'}`;
          await apply(level, enabled, endpoint);
          const results = await reporter.script(label);
          for (const kind of KINDS) {
            const ok = allowed(level, enabled, endpoint, kind);
            assert.equal(results[kind].status, ok ? 'accepted' : 'notCollected', `${label} ${kind}: ${JSON.stringify(results[kind])}`);
          }
          const kinds = KINDS.filter((k) => allowed(level, enabled, endpoint, k));
          expected.set(label, kinds);
          // Delivered under this combination's consent: the next one may withdraw it, which purges what waits.
          if (kinds.length > 0) {
            await vscode.commands.executeCommand('candor.sendNow');
            await eventually(() => assert.deepEqual([...(arrived.get(label) ?? [])].sort(), [...kinds].sort()), { timeoutMs: 60_000, intervalMs: 250 });
          }
        }
      }
    }
    // Delivery is in order: once the marker arrived, everything accepted before it has arrived too.
    await deliverUpTo('m-final');
    for (const [label, kinds] of expected) {
      assert.deepEqual([...(arrived.get(label) ?? [])].sort(), [...kinds].sort(), `${label}: exactly the allowed kinds arrived`);
    }
    assert.deepEqual([...ids.values()].filter((n) => n !== 1), [], 'no event was accepted twice by the endpoint');
  });

  test('events pending when consent is withdrawn are purged and never arrive; the editor level changes at once too', async () => {
    await apply('all', true, true);
    await vscode.commands.executeCommand('candor.pause');
    const held = await reporter.script('w-held');
    assert.equal(held.usage.status, 'accepted');
    await apply('all', false, true);
    const off = await reporter.script('w-while-off');
    assert.equal(off.error.status, 'notCollected');
    await apply('error', true, true);
    const errorsOnly = await reporter.script('w-errors-only');
    assert.deepEqual([errorsOnly.usage.status, errorsOnly.performance.status, errorsOnly.error.status], ['notCollected', 'notCollected', 'accepted']);
    await vscode.commands.executeCommand('candor.resume');
    await deliverUpTo('w-final');
    assert.equal(arrived.get('w-held'), undefined, 'what was pending when consent was withdrawn never arrived');
    assert.equal(arrived.get('w-while-off'), undefined);
    assert.deepEqual(arrived.get('w-errors-only'), ['error']);
  });

  test('no string of the scrubbed error message reaches the endpoint', async () => {
    await deliverUpTo('s-final');
    assert.ok(!proxy.bodies.some((b) => b.includes('/home/someone') || b.includes('secret/file.ts')), 'the path in the error message was scrubbed before it was stored');
    assert.ok(proxy.bodies.some((b) => b.includes('<path>.ts')), 'and replaced by its placeholder');
  });
});
