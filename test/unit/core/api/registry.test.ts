import { describe, expect, it } from 'vitest';
import validateCatalogue from '../../../../generated/validators/catalogue.cjs';
import type { EventCatalogue } from '../../../../generated/types';
import { CatalogueRegistry, type CatalogueStore } from '../../../../extension/core/catalogue/registry';
import { toFieldErrors } from '../../../../protocol/validation-errors';
import { gitGraphCatalogue } from './fixtures';

class MemoryStore implements CatalogueStore {
  readonly saved = new Map<string, EventCatalogue>();
  get(id: string) { return this.saved.get(id); }
  async set(id: string, c: EventCatalogue) { this.saved.set(id, structuredClone(c)); }
}
const registry = (store = new MemoryStore()) => ({ store, registry: new CatalogueRegistry(store, (e) => toFieldErrors(e)) });

describe('registering a catalogue', () => {
  it('accepts a valid catalogue from its own extension and serves its declarations', async () => {
    const { registry: r, store } = registry();
    const result = await r.register(gitGraphCatalogue(), 'Acme.Git-Graph', validateCatalogue);
    expect(result).toMatchObject({ ok: true, newEventNames: [] });
    expect(r.declaration('acme.git-graph', 'renderTime')?.unit).toBe('ms');
    expect(r.declaration('acme.git-graph', 'nope')).toBeUndefined();
    expect(store.saved.get('acme.git-graph')?.events).toHaveLength(4);
  });

  it('keeps its own copy: changing the caller\'s object later changes nothing', async () => {
    const { registry: r } = registry();
    const catalogue = gitGraphCatalogue();
    await r.register(catalogue, 'acme.git-graph', validateCatalogue);
    catalogue.events[0].name = 'hijacked';
    expect(r.declaration('acme.git-graph', 'openView')).toBeDefined();
  });

  it('refuses a catalogue registered by another extension', async () => {
    const result = await registry().registry.register(gitGraphCatalogue(), 'evil.ext', validateCatalogue);
    expect(result).toMatchObject({ ok: false, errors: [{ pointer: '/extension' }] });
    expect(!result.ok && result.message).toMatch(/registered by "evil.ext"/);
  });

  it.each([
    ['a schema violation', (c: EventCatalogue) => { (c.events[0] as { description?: string }).description = undefined; }, '/events/0/description', /required/],
    ['CustomerContent', (c: EventCatalogue) => { (c.events[0].properties!.trigger as { classification: string }).classification = 'CustomerContent'; }, '/events/0/properties/trigger/classification', /one of/],
    ['a repeated name', (c: EventCatalogue) => { c.events[1]!.name = 'openView'; }, '/events/1/name', /repeats the event name "openView"/],
    ['a Candor-only kind', (c: EventCatalogue) => { c.events[0].kind = 'heartbeat'; }, '/events/0/kind', /reported by Candor itself/],
    ['a performance event without unit', (c: EventCatalogue) => { delete c.events[1]!.unit; }, '/events/1/unit', /required for a performance event/],
    ['required naming an undeclared property', (c: EventCatalogue) => { c.events[0].required = ['missing']; }, '/events/0/required', /names "missing"/],
    ['an enum of the wrong type', (c: EventCatalogue) => { c.events[0].properties!.branches!.enum = ['one']; }, '/events/0/properties/branches/enum', /declared type "integer"/],
    ['minimum above maximum', (c: EventCatalogue) => { c.events[0].properties!.branches!.minimum = 10; c.events[0].properties!.branches!.maximum = 1; }, '/events/0/properties/branches/minimum', /must not exceed maximum/],
    ['a numeric identifier', (c: EventCatalogue) => { c.events[0].properties!.repoId!.type = 'number'; delete c.events[0].properties!.repoId!.maxLength; }, '/events/0/properties/repoId/type', /keyed hash/],
    ['properties on a milestone', (c: EventCatalogue) => { c.events[3]!.properties = { x: { type: 'string', description: 'x', classification: 'SystemMetaData' } }; }, '/events/3/properties', /milestone/],
    ['measurements on an error event', (c: EventCatalogue) => { c.events[2]!.measurements = { x: { description: 'x' } }; }, '/events/2/measurements', /only for usage events/],
  ])('refuses %s, naming the place and the rule', async (_what, mutate, pointer, message) => {
    const c = gitGraphCatalogue();
    mutate(c);
    const result = await registry().registry.register(c, 'acme.git-graph', validateCatalogue);
    expect(result.ok).toBe(false);
    const error = !result.ok ? result.errors.find((e) => e.pointer === pointer) : undefined;
    expect(error?.message, JSON.stringify(result)).toMatch(message);
  });

  it('refuses non-objects without throwing', async () => {
    for (const bad of [null, 'catalogue', 42, [], { extension: 'acme.git-graph' }]) {
      expect((await registry().registry.register(bad, 'acme.git-graph', validateCatalogue)).ok).toBe(false);
    }
  });

  it('reports the event names an update adds, which wait for approval; the first catalogue does not', async () => {
    const store = new MemoryStore();
    const first = await registry(store).registry.register(gitGraphCatalogue(), 'acme.git-graph', validateCatalogue);
    expect(first.ok && first.newEventNames).toEqual([]);
    const updated = gitGraphCatalogue();
    updated.events.push({ name: 'exportImage', kind: 'usage', description: 'The graph was exported.', purpose: 'FeatureInsight' });
    const second = await registry(store).registry.register(updated, 'acme.git-graph', validateCatalogue);
    expect(second.ok && second.newEventNames).toEqual(['exportImage']);
    const again = await registry(store).registry.register(updated, 'acme.git-graph', validateCatalogue);
    expect(again.ok && again.newEventNames).toEqual([]);
  });

  it('lets Candor declare its own kinds', async () => {
    const { readFileSync } = await import('node:fs');
    const candor = JSON.parse(readFileSync('extension/core/builtin/candor.catalogue.json', 'utf8'));
    expect((await registry().registry.register(candor, 'candor.candor', validateCatalogue)).ok).toBe(true);
  });
});
