// The pure logic behind the editor edge: settings checks, the one-time question, the status text, and
// the deferred pipeline that is not even loaded while consent allows nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstRun } from '../../../extension/core/consent/first-run';
import { DeferredPipeline } from '../../../extension/core/deferred-pipeline';
import type { Pipeline } from '../../../extension/core/pipeline';
import { checkSettings } from '../../../extension/core/settings/pipeline-settings';
import { statusText } from '../../../extension/core/view/status-text';
import { HoldAnnouncement } from '../../../extension/core/view/hold-announcement';
import { consentAt, ENDPOINT } from '../../support/harness';

describe('settings', () => {
  it('takes valid values as they are', () => {
    expect(checkSettings({ endpoint: 'https://t.example.com', reviewBeforeSend: true, maxEvents: 100, intervalSeconds: 5 }))
      .toEqual({ settings: { endpoint: 'https://t.example.com/', reviewBeforeSend: true, batchEvents: 100, batchIntervalMs: 5000 }, problems: [] });
    expect(checkSettings({ endpoint: undefined, reviewBeforeSend: undefined, maxEvents: undefined, intervalSeconds: undefined }).problems).toEqual([]);
  });

  it.each([
    [{ maxEvents: 0 }, /candor\.batch\.maxEvents must be a whole number from 1 to 500, not 0; Candor uses 500/],
    [{ maxEvents: 2.5 }, /maxEvents.*not 2\.5/],
    [{ intervalSeconds: '30' }, /candor\.batch\.intervalSeconds must be a whole number from 1 to 3600, not "30"; Candor uses 30/],
    [{ intervalSeconds: 99999 }, /intervalSeconds/],
    [{ endpoint: 'http://telemetry.example.com/' }, /candor\.endpoint is not usable: http:\/\/ is allowed only for a loopback address/],
    [{ reviewBeforeSend: 'yes' }, /reviewBeforeSend must be true or false.*holds batches for review/],
  ])('says what is wrong with %j and uses a safe value', (bad, message) => {
    const checked = checkSettings({ endpoint: 'https://t.example.com/', reviewBeforeSend: false, maxEvents: 500, intervalSeconds: 30, ...bad });
    expect(checked.problems.join(' ')).toMatch(message);
    if ('reviewBeforeSend' in bad) { expect(checked.settings.reviewBeforeSend).toBe(true); }
    if ('endpoint' in bad) { expect(checked.settings.endpoint).toBeUndefined(); }
  });
});

describe('the one-time question', () => {
  it('is asked once, only when the editor allows telemetry and Candor is off, and never after any answer', () => {
    fc.assert(fc.property(fc.constantFrom(undefined, 'enabled', 'notNow', 'dismissed', 'alreadyEnabled' as const), fc.boolean(), fc.boolean(), (recorded, editorAllows, candorEnabled) => {
      const d = firstRun({ recorded, editorAllows, candorEnabled });
      expect(d.ask).toBe(recorded === undefined && editorAllows && !candorEnabled);
      if (recorded === undefined && candorEnabled) { expect(d).toEqual({ ask: false, record: 'alreadyEnabled' }); }
    }));
  });
});

describe('the status bar text', () => {
  it('says off and why, paused, review needed, failed, or how many wait', () => {
    expect(statusText(consentAt('off'))).toEqual({ text: '$(circle-slash) Candor: off', detail: expect.stringMatching(/level is "off"/) });
    expect(statusText(consentAt('all', false)).detail).toMatch(/candor\.enabled/);
    expect(statusText(consentAt('all', true, null)).detail).toMatch(/no endpoint/);
    const base = { pendingEvents: 3, awaitingReview: 0, paused: false };
    expect(statusText(consentAt('all'), { ...base, paused: true }).text).toBe('$(debug-pause) Candor: paused');
    expect(statusText(consentAt('error'), { ...base, paused: true }).text).toBe('$(debug-pause) Candor: paused (errors only)');
    expect(statusText(consentAt('all'), { ...base, awaitingReview: 2 }).text).toBe('$(eye) Candor: 2 to review');
    expect(statusText(consentAt('all'), { ...base, lastFailure: { message: 'HTTP 503', at: 0 }, nextAttemptAt: 1 }))
      .toMatchObject({ text: '$(warning) Candor: delivery failed', detail: expect.stringMatching(/^The last delivery failed: HTTP 503\. Next attempt at/) });
    expect(statusText(consentAt('all'), base).text).toBe('$(pulse) Candor: 3 pending');
    expect(statusText(consentAt('error'), { ...base, pendingEvents: 0 }).text).toBe('$(pulse) Candor: errors only');
    expect(statusText(consentAt('error')).text).toBe('$(pulse) Candor: errors only');
    expect(statusText(consentAt('error'), base).text).toBe('$(pulse) Candor: errors only, 3 pending');
    expect(statusText(consentAt('all'), { ...base, lastFailure: { message: 'the endpoint requires an ingest token', at: 0, held: true }, nextAttemptAt: 1 }))
      .toEqual({ text: '$(key) Candor: sending held', detail: 'Sending is held: the endpoint requires an ingest token. 3 events wait to be sent.' });
  });
});

describe('the notification of a hold', () => {
  const base = { pendingEvents: 3, awaitingReview: 0, paused: false };
  const held = { ...base, lastFailure: { message: 'the endpoint refused the ingest token', at: 0, held: true as const } };
  it('comes once when a hold begins, not at each retry, and again after the hold ended', () => {
    const announcement = new HoldAnnouncement();
    expect(announcement.next(undefined)).toBeUndefined();
    expect(announcement.next(base)).toBeUndefined();
    expect(announcement.next(held)).toBe('Candor is holding its events: the endpoint refused the ingest token.');
    expect(announcement.next({ ...held, lastFailure: { ...held.lastFailure, at: 300_000 } })).toBeUndefined();
    expect(announcement.next({ ...base, lastFailure: { message: 'HTTP 503', at: 1 } })).toBeUndefined();
    expect(announcement.next(held)).toMatch(/^Candor is holding its events/);
    expect(announcement.next(base)).toBeUndefined();
    expect(announcement.next(held)).toMatch(/^Candor is holding its events/);
  });
});

describe('the deferred pipeline', () => {
  const source = { extension: 'test.caller', version: '1.0.0' };
  it('does not load the pipeline for events consent does not allow, and says why', async () => {
    let loads = 0;
    let consent = consentAt('all', false);
    const deferred = new DeferredPipeline(async () => { loads++; throw new Error('must not load'); }, () => consent);
    for (let i = 0; i < 1000; i++) {
      expect(await deferred.track(source, { kind: 'usage', name: 'a', data: {} })).toEqual({ status: 'notCollected', reason: consent.explanation });
    }
    expect(loads).toBe(0);
    consent = consentAt('error', true, ENDPOINT);
    expect((await deferred.track(source, { kind: 'usage', name: 'a', data: {} })).status).toBe('notCollected');
    expect(loads).toBe(0);
    // An error event is allowed now: the pipeline is loaded (here it fails, and the caller is told).
    expect(await deferred.track(source, { kind: 'error', name: 'a', data: { errorType: 'E', message: '', fatal: false } }))
      .toEqual({ status: 'notCollected', reason: expect.stringMatching(/could not start its queue \(must not load\)/) });
    expect(loads).toBe(1);
  });

  it('loads once and then hands every event to the pipeline', async () => {
    let loads = 0;
    const tracked: string[] = [];
    const fake = { track: async (_s: unknown, e: { name: string }) => { tracked.push(e.name); return { status: 'accepted', eventId: 'x' } as const; } } as unknown as Pipeline;
    const deferred = new DeferredPipeline(async () => { loads++; return fake; }, () => consentAt('all'));
    await Promise.all([deferred.track(source, { kind: 'usage', name: 'a', data: {} }), deferred.track(source, { kind: 'usage', name: 'b', data: {} })]);
    expect(loads).toBe(1);
    expect(deferred.loaded).toBe(fake);
    expect(tracked.sort()).toEqual(['a', 'b']);
  });
});
