// Both sides of the panel refuse what the schema does not allow, and anything too large to read safely,
// before acting on it; the refusal names the field and the rule, never the payload.
import { describe, expect, it } from 'vitest';
import { checkFromWebview } from '../../../protocol/from-webview';
import { checkToWebview } from '../../../protocol/to-webview';
import { describeType, MAX_FROM_WEBVIEW_SIZE, refusalLine, sizeAtMost } from '../../../protocol/webview-messages';
import { stateMessage, viewState } from '../../fixtures/panel-state';

const digest = 'a'.repeat(64);
const batchId = '01936d3c-6b10-7c2d-8e4f-5a6b7c8d9e0f';

describe('checkFromWebview', () => {
  it('accepts each message of the schema', () => {
    for (const m of [{ type: 'ready' }, { type: 'approve', requestId: 'r1', batches: [{ batchId, sha256: digest }] },
      { type: 'discard', requestId: 'r2', eventIds: [batchId] }, { type: 'deleteData', requestId: 'r3' }, { type: 'openBatch', requestId: 'r4', batchId }]) {
      expect(checkFromWebview(m)).toEqual({ ok: true, message: m });
    }
  });

  it('refuses unknown types, missing fields, wrong digests and extra members, naming the field', () => {
    expect(checkFromWebview({ type: 'runScript', requestId: 'r1' })).toEqual({ ok: false, type: '"runScript"', errors: [{ pointer: '/type', message: 'is not a known message type' }] });
    expect(checkFromWebview({ type: 'approve', requestId: 'r1' })).toMatchObject({ ok: false, errors: expect.arrayContaining([{ pointer: '/batches', message: 'is required but missing' }]) });
    const bad = checkFromWebview({ type: 'approve', requestId: 'r1', batches: [{ batchId, sha256: 'ABC' }] });
    expect(bad.ok === false && [...new Set(bad.errors.map((e) => e.pointer))]).toEqual(['/batches/0/sha256']);
    expect(checkFromWebview({ type: 'ready', extra: 1 }).ok).toBe(false);
    expect(checkFromWebview(null)).toMatchObject({ ok: false, type: '(null)' });
    expect(checkFromWebview('ready')).toMatchObject({ ok: false, type: '(string)' });
  });

  it('refuses a huge message before validating it', () => {
    const huge = { type: 'discard', requestId: 'r1', eventIds: [batchId, 'x'.repeat(MAX_FROM_WEBVIEW_SIZE)] };
    expect(checkFromWebview(huge)).toMatchObject({ ok: false, errors: [{ pointer: '', message: `is larger than the limit of ${MAX_FROM_WEBVIEW_SIZE} characters` }] });
  });
});

describe('sizeAtMost', () => {
  it('counts strings, keys and values, and stops early on huge or cyclic input', () => {
    expect(sizeAtMost({ ab: 'cdef' }, 2 + 4 + 16)).toBe(true);
    expect(sizeAtMost({ ab: 'cdef' }, 2 + 4 + 15)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(sizeAtMost(cyclic, 10_000)).toBe(false);
    expect(sizeAtMost(new Array(10_000_000).fill(0), 1000)).toBe(false);
  });
});

describe('checkToWebview', () => {
  it('accepts a realistic state and refuses one with a member the schema does not have', () => {
    const message = stateMessage(viewState({ batches: 2, eventsPerBatch: 5 }));
    expect(checkToWebview(message).ok).toBe(true);
    const refused = checkToWebview({ ...message, state: { ...(message as { state: object }).state, script: 'alert(1)' } });
    expect(refused).toMatchObject({ ok: false, type: '"state"', errors: [{ pointer: '/state/script', message: 'is not a field of this shape' }] });
  });
});

describe('refusalLine', () => {
  it('names the type, each field and rule, and says nothing was done', () => {
    expect(refusalLine('the panel', { type: '"approve"', errors: [{ pointer: '/batches', message: 'is required but missing' }] }))
      .toBe('Refused a message from the panel of type "approve": /batches is required but missing. It was not acted on.');
    expect(describeType({ type: 'x'.repeat(50) })).toBe(`"${'x'.repeat(40)}…"`);
  });
});
