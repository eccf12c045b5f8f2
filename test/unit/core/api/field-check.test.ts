import { describe, expect, it } from 'vitest';
import { checkFields, identifierProperties } from '../../../../extension/core/catalogue/field-check';
import { gitGraphCatalogue } from './fixtures';

const openView = gitGraphCatalogue().events[0];

describe('checking fields against a declaration', () => {
  it('passes declared values through, copied', () => {
    const props = { trigger: 'palette', branches: 3, dark: true };
    const result = checkFields(openView, { properties: props, measurements: { nodes: 120 } });
    expect(result).toEqual({ ok: true, properties: { trigger: 'palette', branches: 3, dark: true }, measurements: { nodes: 120 } });
    props.trigger = 'changed';
    expect(result.ok && result.properties?.trigger).toBe('palette');
  });

  it.each([
    [{ properties: { trigger: 'menu' } }, '/data/properties/trigger', /one of \["palette","button"\] \(declared enum\)/],
    [{ properties: { trigger: 'palette', branches: 1.5 } }, '/data/properties/branches', /integer/],
    [{ properties: { trigger: 'palette', branches: -1 } }, '/data/properties/branches', /at least 0 \(declared minimum\)/],
    [{ properties: { trigger: 'palette', branches: 100_001 } }, '/data/properties/branches', /at most 100000 \(declared maximum\)/],
    [{ properties: { trigger: 'palette', dark: 'yes' } }, '/data/properties/dark', /boolean/],
    [{ properties: { trigger: 'palette', label: '123456789' } }, '/data/properties/label', /at most 8 characters long \(declared maxLength\), is 9/],
    [{ properties: { trigger: 'palette', filePath: '/home/alice' } }, '/data/properties/filePath', /not a property declared for the event "openView"/],
    [{ properties: { branches: 2 } }, '/data/properties/trigger', /required .* but missing/],
    [{ properties: { trigger: 'palette', branches: Number.NaN } }, '/data/properties/branches', /finite number/],
    [{ properties: { trigger: 'palette', branches: null } }, '/data/properties/branches', /not null/],
    [{ properties: { trigger: 'palette', dark: { nested: 1 } } }, '/data/properties/dark', /not an object/],
    [{ properties: ['palette'] }, '/data/properties', /plain object/],
    [{ properties: { trigger: 'palette' }, measurements: { nodes: '12' } }, '/data/measurements/nodes', /finite number/],
    [{ properties: { trigger: 'palette' }, measurements: { edges: 3 } }, '/data/measurements/edges', /not a measurement declared/],
    [{ properties: { trigger: 'palette' }, measurements: { nodes: 1e16 } }, '/data/measurements/nodes', /±10\^15/],
  ])('refuses %j, naming %s and the rule', (input, pointer, message) => {
    const result = checkFields(openView, input);
    expect(result.ok).toBe(false);
    const error = !result.ok ? result.errors.find((e) => e.pointer === pointer) : undefined;
    expect(error?.message).toMatch(message);
  });

  it('counts string length in code points, as the spec does', () => {
    expect(checkFields(openView, { properties: { trigger: 'palette', label: '😀'.repeat(8) } }).ok).toBe(true);
  });

  it('is not fooled by a class instance or a prototype', () => {
    class Props { trigger = 'palette'; }
    expect(checkFields(openView, { properties: new Props() }).ok).toBe(false);
    const inherited = Object.create({ filePath: '/home/alice' }) as Record<string, unknown>;
    inherited.trigger = 'palette';
    expect(checkFields(openView, { properties: inherited }).ok).toBe(false);
    expect(checkFields(openView, { properties: JSON.parse('{"trigger":"palette","__proto__":{"x":1}}') }).ok).toBe(false);
  });

  it('reports a required property missing even when its name is one every object inherits', () => {
    const decl = { ...openView, properties: { ...openView.properties, constructor: { type: 'string' as const, maxLength: 8, description: 'A name an object inherits.', classification: 'SystemMetaData' as const } }, required: ['trigger', 'constructor'] };
    const result = checkFields(decl, { properties: { trigger: 'palette' } });
    expect(result).toMatchObject({ ok: false, errors: [{ pointer: '/data/properties/constructor' }] });
    expect(checkFields(decl, { properties: { trigger: 'palette', constructor: 'ok' } })).toMatchObject({ ok: true, properties: { trigger: 'palette', constructor: 'ok' } });
  });

  it('names the identifier properties', () => {
    expect(identifierProperties(openView)).toEqual(['repoId']);
  });
});
