// Beside each field, its meaning: from the spec for Candor's fields, from the extension's catalogue for
// its properties and measurements, and an honest "undeclared" for anything neither explains.
import { describe, expect, it } from 'vitest';
import { explainBatch, explainEvent } from '../../../webview/src/model/explain';
import { FIELD_DOCS } from '../../../generated/field-docs';
import { CATALOGUES, GIT_GRAPH, makeEvent, rng } from '../../fixtures/panel-state';

const byPath = (rows: ReturnType<typeof explainEvent>) => new Map(rows.map((r) => [r.path, r]));

describe('explainEvent', () => {
  it('explains every envelope field of every kind from the spec', () => {
    const r = rng(5);
    for (let i = 0; i < 9; i++) {
      const event = makeEvent(r, i);
      const rows = explainEvent(event, CATALOGUES);
      expect(rows.filter((x) => x.source === 'undeclared').map((x) => x.path), `event ${i}`).toEqual([]);
      const m = byPath(rows);
      expect(m.get('/installationId')?.meaning).toMatchObject({ class: 'EndUserPseudonymizedInformation', purpose: 'BusinessInsight' });
      expect(m.get('/id')?.value).toBe(JSON.stringify(event.id));
    }
  });

  it('explains an extension property and measurement from its catalogue', () => {
    const event = makeEvent(rng(5), 2);
    const m = byPath(explainEvent(event, CATALOGUES));
    expect(m.get('/data/properties/repoId')).toMatchObject({ source: 'catalogue', meaning: { description: 'Which repository, as a keyed hash.', class: 'EndUserPseudonymizedInformation', purpose: 'FeatureInsight' } });
    expect(m.get('/data/measurements/nodes')).toMatchObject({ source: 'catalogue', meaning: { description: GIT_GRAPH.events[0].measurements!.nodes!.description, unit: 'count' } });
    expect(m.get('/data/properties')).toMatchObject({ source: 'spec', value: '', meaning: { description: FIELD_DOCS.usage.find((d) => d.path === '/data/properties')!.description } });
  });

  it('says a property is undeclared when no catalogue declares it, even one named like an Object member', () => {
    const event = { ...makeEvent(rng(5), 2), data: { properties: { constructor: 'x', trigger: 'palette' } } };
    const m = byPath(explainEvent(event, CATALOGUES));
    expect(m.get('/data/properties/constructor')).toMatchObject({ source: 'undeclared', value: '"x"' });
    expect(m.get('/data/properties/trigger')?.source).toBe('catalogue');
    expect(byPath(explainEvent(event, [])).get('/data/properties/trigger')?.source).toBe('undeclared');
  });

  it('explains array items by the spec\'s `*` paths and map entries by their map (drops by reason code)', () => {
    const r = rng(5);
    const error = byPath(explainEvent(makeEvent(r, 4), CATALOGUES));
    expect(error.get('/data/stack/0/function')).toMatchObject({ source: 'spec', value: '"GraphView.render"' });
    const heartbeat = byPath(explainEvent(makeEvent(r, 5), CATALOGUES));
    expect(heartbeat.get('/data/counters/usage')).toMatchObject({ source: 'part' });
    expect(heartbeat.get('/data/drops/queue_full')?.meaning?.description).toMatch(/^The client's queue reached its limit/);
    const aggregate = byPath(explainEvent(makeEvent(r, 8), CATALOGUES));
    expect(aggregate.get('/data/measurements/value/p95')).toMatchObject({ source: 'part' });
  });

  it('explains the fields all kinds share for an event of an unknown kind', () => {
    const m = byPath(explainEvent({ kind: 'telepathy', name: 'x', id: 'y', data: { z: 1 } }, CATALOGUES));
    expect(m.get('/id')?.source).toBe('spec');
    // Each kind describes `kind` and `data` as its own ("always `usage`"), which would be false here.
    expect(m.get('/data/z')?.source).toBe('undeclared');
    expect(m.get('/kind')?.source).toBe('undeclared');
  });
});

describe('explainBatch', () => {
  it('explains the batch\'s own fields and leaves out the events', () => {
    const rows = explainBatch({ specVersion: '1.0', batchId: 'b', events: [], extra: 1 });
    expect(rows.map((r) => [r.path, r.source])).toEqual([['/specVersion', 'spec'], ['/batchId', 'spec'], ['/extra', 'undeclared']]);
  });
});
