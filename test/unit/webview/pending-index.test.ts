// Reading the pending batches: every event with its exact bytes and the fields the panel sorts by, a
// batch read again only when its bytes change, and totals that count the bytes that will leave.
import { describe, expect, it } from 'vitest';
import { PendingIndex, UNKNOWN } from '../../../webview/src/model/pending-index';
import { applyFilter, facets, NO_FILTER } from '../../../webview/src/model/filter';
import { buildRows, shownTotals, totals } from '../../../webview/src/model/rows';
import { pendingBatches, pendingOf } from '../../fixtures/panel-state';

describe('PendingIndex', () => {
  const batches = pendingBatches({ batches: 3, eventsPerBatch: 10, hostile: true });

  it('reads every event of every batch, in order, as its slice of the body', () => {
    const index = new PendingIndex();
    index.update(batches);
    expect(index.events).toHaveLength(30);
    const first = index.events[0]!;
    expect(batches[0]!.body).toContain(first.text);
    expect(JSON.parse(first.text)).toEqual(JSON.parse(batches[0]!.body).events[0]);
    expect(first).toMatchObject({ batchId: batches[0]!.batchId, index: 0, kind: 'usage', name: 'candor.command', extension: 'candor.candor' });
    expect(first.id).toMatch(/^[0-9a-f]{8}-/);
    expect(first.bytes).toBe(Buffer.byteLength(first.text));
  });

  it('reads again only the batches whose bytes changed', () => {
    const index = new PendingIndex();
    index.update(batches);
    expect(index.lastReadCount).toBe(3);
    const changed = { ...batches[1]!, body: batches[1]!.body.replace('"sequence":10', '"sequence":99') };
    index.update([batches[0]!, changed, batches[2]!]);
    expect(index.lastReadCount).toBe(1);
    expect(index.events[10]!.text).toContain('"sequence":99');
    index.update([batches[2]!]);
    expect(index.events.map((e) => e.batchId)).toEqual(Array(10).fill(batches[2]!.batchId));
  });

  it('keys each event by its id, so a key follows the event when events before it go', () => {
    const index = new PendingIndex();
    index.update(batches);
    const third = index.events[2]!;
    const body = JSON.parse(batches[0]!.body) as { events: unknown[] };
    const shorter = JSON.stringify({ ...body, events: body.events.slice(1) });
    index.update([{ ...batches[0]!, body: shorter }]);
    expect(index.events[1]!.key).toBe(third.key);
    expect(index.events[1]!.text).toBe(third.text);
    // Ids that are missing or repeated fall back to the event's place.
    const twice = JSON.stringify({ ...body, events: [body.events[0], body.events[0], { id: 'nope' }] });
    index.update([{ ...batches[0]!, body: twice }]);
    expect(index.events.map((e) => e.key.split(':')[1])).toEqual([(body.events[0] as { id: string }).id, '#1', '#2']);
  });

  it('keeps a batch it cannot read as one block of bytes, and names missing fields as unknown', () => {
    const index = new PendingIndex();
    index.update([pendingOf('{"events":[{"id":"nope"}]}', batches[0]!.batchId, 'ready', 1), pendingOf('not json', batches[1]!.batchId, 'ready', 3)]);
    expect(index.events).toHaveLength(1);
    expect(index.events[0]).toMatchObject({ id: undefined, kind: UNKNOWN, name: UNKNOWN, extension: UNKNOWN });
    expect(index.batches[1]!.layout).toEqual({ ok: false, problem: 'The body is not valid JSON.' });
    expect(totals(index)).toEqual({ batches: 2, events: 4, bytes: 26 + 8 });
  });
});

describe('filter, facets and rows', () => {
  const index = new PendingIndex();
  index.update(pendingBatches({ batches: 2, eventsPerBatch: 14, hostile: true }));

  it('filters by extension, kind and name, and searches the bytes without regard to case', () => {
    expect(applyFilter(index.events, NO_FILTER)).toHaveLength(28);
    const git = applyFilter(index.events, { ...NO_FILTER, extension: 'acme.git-graph' });
    expect(git.length).toBeGreaterThan(0);
    expect(git.every((e) => e.extension === 'acme.git-graph')).toBe(true);
    const errors = applyFilter(index.events, { ...NO_FILTER, extension: 'acme.git-graph', kind: 'error' });
    expect(errors.every((e) => e.name === 'renderFailed')).toBe(true);
    expect(applyFilter(index.events, { ...NO_FILTER, name: 'probe' }).every((e) => e.extension === 'evil.injector')).toBe(true);
    const found = applyFilter(index.events, { ...NO_FILTER, search: '  GRAPHVIEW.RENDER ' });
    expect(found.length).toBe(errors.length);
    expect(applyFilter(index.events, { ...NO_FILTER, search: 'no such text anywhere' })).toEqual([]);
  });

  it('offers each facet value with its count', () => {
    const f = facets(index.events);
    expect(f.extension.map(([v]) => v)).toEqual(['acme.git-graph', 'candor.candor', 'evil.injector']);
    expect(f.kind.reduce((n, [, c]) => n + c, 0)).toBe(28);
  });

  it('groups rows by batch in sending order, or by value in sorted order, each group followed by its events', () => {
    const byBatch = buildRows(index.events, 'batch', index);
    expect(byBatch.filter((r) => r.type === 'group').map((r) => r.type === 'group' && r.value)).toEqual(index.batches.map((b) => b.batch.batchId));
    expect(byBatch).toHaveLength(30);
    const byKind = buildRows(index.events, 'kind', index);
    const groups = byKind.flatMap((r) => (r.type === 'group' ? [r] : []));
    expect(groups.map((g) => g.value)).toEqual([...groups.map((g) => g.value)].sort());
    for (const g of groups) { expect(g.events.every((e) => e.kind === g.value)).toBe(true); }
    expect(groups.reduce((n, g) => n + g.bytes, 0)).toBe(shownTotals(index.events).bytes);
  });

  it('totals the batches, events and bytes that will be sent', () => {
    const t = totals(index);
    expect(t).toEqual({ batches: 2, events: 28, bytes: index.batches.reduce((n, b) => n + Buffer.byteLength(b.batch.body), 0) });
  });
});
