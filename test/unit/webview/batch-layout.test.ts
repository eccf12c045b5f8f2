// The panel shows each event as its exact slice of the batch's bytes: the slices must be the events, in
// order, and head + slices + separators + tail must be the whole body, whatever the serialisation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layOutBatch } from '../../../webview/src/model/batch-layout';
import { utf8Length } from '../../../webview/src/model/utf8';
import { makeEvent, rng, sealBatch } from '../../fixtures/panel-state';

function checkLayout(body: string) {
  const layout = layOutBatch(body);
  expect(layout.ok).toBe(true);
  if (!layout.ok) { return; }
  const events = (JSON.parse(body) as { events: unknown[] }).events;
  expect(layout.events.map((s) => JSON.parse(body.slice(s.start, s.end)))).toEqual(events);
  // Nothing between two slices but a comma and whitespace: the slices cover every event byte.
  for (let i = 1; i < layout.events.length; i++) {
    expect(body.slice(layout.events[i - 1]!.end, layout.events[i]!.start)).toMatch(/^\s*,\s*$/);
  }
}

describe('layOutBatch', () => {
  it('finds each event of a compact batch as its exact bytes', () => {
    const r = rng(3);
    const { body } = sealBatch(r, Array.from({ length: 9 }, (_, i) => makeEvent(r, i)), Date.UTC(2026, 0, 1));
    checkLayout(body);
  });

  it('finds the events of an indented body, with events first or last, and braces inside strings', () => {
    const events = [{ id: 'a', s: 'tricky "} ] , { [ \\" \\\\' }, { nested: { deep: [1, [2, { x: '}' }]] } }, 3, 'str', null, true];
    checkLayout(JSON.stringify({ specVersion: '1.0', events, tail: { events: ['not these'] } }, null, 2));
    checkLayout(JSON.stringify({ events, after: '"events":[1,2]' }));
    checkLayout(JSON.stringify({ events: [] }));
  });

  it('takes the last of repeated `events` keys, as JSON.parse does', () => {
    const body = '{"events":[{"a":1}],"x":0,"events":[{"b":2},{"c":3}]}';
    const layout = layOutBatch(body);
    expect(layout.ok && layout.events.map((s) => body.slice(s.start, s.end))).toEqual(['{"b":2}', '{"c":3}']);
  });

  it('locates the events of any JSON batch', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }), fc.boolean(),
      (events, other, pretty) => {
        const { events: _drop, ...rest } = other as Record<string, unknown>;
        checkLayout(JSON.stringify({ ...rest, events }, null, pretty ? 1 : undefined));
      }), { numRuns: 300 });
  });

  it('says why a body cannot be read as a batch', () => {
    expect(layOutBatch('{"events":[1,2]')).toEqual({ ok: false, problem: 'The body is not valid JSON.' });
    expect(layOutBatch('[1]')).toEqual({ ok: false, problem: 'The body is not a JSON object.' });
    expect(layOutBatch('{"events":{}}')).toEqual({ ok: false, problem: 'The body has no `events` array.' });
  });
});

describe('utf8Length', () => {
  it('counts the bytes TextEncoder writes, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    }), { numRuns: 500 });
    expect(utf8Length('\ud800x')).toBe(4);
    expect(utf8Length('a😀b', 1, 3)).toBe(4);
  });
});
