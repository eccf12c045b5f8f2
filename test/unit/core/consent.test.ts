import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowsKind, evaluateConsent, type ConsentInputs, type EventKind, type TelemetryLevel } from '../../../extension/core/consent/consent';
import { checkEndpoint } from '../../../extension/core/consent/endpoint-setting';
import { editorLevelOf } from '../../../extension/core/consent/editor-level';

const KINDS: EventKind[] = ['usage', 'performance', 'error', 'session', 'heartbeat', 'dailyAggregate', 'milestone'];
const LEVELS: TelemetryLevel[] = ['all', 'error', 'crash', 'off'];

/** The editor's flags at each level, as VS Code's TelemetryLogger reports them. */
const editorAt = (level: TelemetryLevel) => ({ editorUsageEnabled: level === 'all', editorErrorsEnabled: level === 'all' || level === 'error', editorLevel: level });

describe('consent', () => {
  it('allows a kind exactly when the editor level, candor.enabled and an endpoint all allow it', () => {
    fc.assert(fc.property(
      fc.constantFrom(...LEVELS), fc.boolean(), fc.option(fc.constant('https://t.example.com/'), { nil: undefined }), fc.constantFrom(...KINDS),
      (level, candorEnabled, endpoint, kind) => {
        const state = evaluateConsent({ ...editorAt(level), candorEnabled, endpoint });
        const levelAllows = kind === 'error' ? level === 'all' || level === 'error' : level === 'all';
        expect(allowsKind(state, kind)).toBe(levelAllows && candorEnabled && endpoint !== undefined);
      }));
  });

  it('names the condition that stops sending', () => {
    const on: ConsentInputs = { ...editorAt('all'), candorEnabled: true, endpoint: 'https://t.example.com/' };
    expect(evaluateConsent(on).explanation).toMatch(/^On: .*https:\/\/t\.example\.com\//);
    expect(evaluateConsent({ ...on, ...editorAt('error') }).explanation).toMatch(/^Errors only: the editor's telemetry level is "error"/);
    expect(evaluateConsent({ ...on, ...editorAt('crash') }).explanation).toMatch(/^Off: the editor's telemetry level is "crash"/);
    expect(evaluateConsent({ ...on, candorEnabled: false }).explanation).toMatch(/candor\.enabled/);
    expect(evaluateConsent({ ...on, endpoint: undefined }).explanation).toMatch(/no endpoint/);
    expect(evaluateConsent({ ...on, endpoint: undefined, endpointProblem: 'bad scheme' }).explanation).toMatch(/not usable: bad scheme/);
  });

  it('the editor level wins over candor.enabled in the explanation', () => {
    expect(evaluateConsent({ ...editorAt('off'), candorEnabled: false, endpoint: undefined }).explanation).toMatch(/level is "off"/);
  });
});

describe('the endpoint setting', () => {
  it('accepts https anywhere and http on loopback, normalised to end with a slash', () => {
    expect(checkEndpoint('https://telemetry.example.com')).toEqual({ ok: true, url: 'https://telemetry.example.com/' });
    expect(checkEndpoint('https://example.com/candor')).toEqual({ ok: true, url: 'https://example.com/candor/' });
    expect(checkEndpoint('http://127.0.0.1:8080/')).toEqual({ ok: true, url: 'http://127.0.0.1:8080/' });
    expect(checkEndpoint('http://localhost:9000')).toEqual({ ok: true, url: 'http://localhost:9000/' });
    expect(checkEndpoint('http://[::1]:9000/')).toEqual({ ok: true, url: 'http://[::1]:9000/' });
  });

  it('treats empty as no endpoint', () => {
    expect(checkEndpoint('')).toBeUndefined();
    expect(checkEndpoint(undefined)).toBeUndefined();
  });

  it.each([
    ['http://telemetry.example.com/', /loopback/],
    ['ftp://example.com/', /scheme ftp:/],
    ['https://user:pw@example.com/', /user name or password/],
    ['https://example.com/?token=abc', /query/],
    ['not a url', /not a URL/],
    [42, /URL string/],
    ['https://example.com/' + 'a'.repeat(2100), /2048/],
  ])('refuses %s with a message that says what to do', (raw, message) => {
    const result = checkEndpoint(raw);
    expect(result?.ok).toBe(false);
    expect(result && !result.ok && result.problem).toMatch(message);
  });
});

describe('the level the explanation names', () => {
  const flagsAt = (level: TelemetryLevel) => ({ usage: level === 'all', errors: level === 'all' || level === 'error' });
  const stateOf = (configured: unknown, flags: { usage: boolean; errors: boolean }) => evaluateConsent({
    editorUsageEnabled: flags.usage, editorErrorsEnabled: flags.errors, editorLevel: editorLevelOf(configured, flags.usage, flags.errors),
    candorEnabled: true, endpoint: 'https://t.example.com/' });

  it('is the setting when it agrees with the editor\'s flags, else the level the flags show', () => {
    for (const level of LEVELS) {
      const { usage, errors } = flagsAt(level);
      expect(editorLevelOf(level, usage, errors)).toBe(level);
      for (const configured of [...LEVELS, undefined, 'nonsense']) {
        const named = editorLevelOf(configured, usage, errors);
        expect(flagsAt(named)).toEqual({ usage, errors });
      }
    }
  });

  // The editor sends the new setting and the new flags in two messages, in either order. When the flags
  // come first and allow nothing, the setting alone tells "crash" from "off", so that one pair may show
  // one for the other for an instant; what is allowed never flickers.
  const same = (s: ReturnType<typeof stateOf>) => JSON.stringify(s).replace(/crash/g, 'off');
  it('changes once when the level changes, whichever message comes first: no state in between', () => {
    for (const from of LEVELS) {
      for (const to of LEVELS) {
        const before = stateOf(from, flagsAt(from));
        const after = stateOf(to, flagsAt(to));
        for (const between of [stateOf(to, flagsAt(from)), stateOf(from, flagsAt(to))]) {
          expect([before, after].map(same), `${from} → ${to}: ${between.explanation}`).toContain(same(between));
        }
      }
    }
  });
});
