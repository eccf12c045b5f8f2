// Checks what an extension sends against what it declared in its catalogue. The declarations are a
// small subset of JSON Schema (type, enum, maxLength, minimum, maximum, required) that this file
// interprets directly: third-party schemas arrive at run time, and the extension never compiles code.
import type { EventDeclaration, FieldError, PropertyDeclaration } from '../../../generated/types';

export type PropertyValue = string | number | boolean;

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const DEFAULT_MAX_LENGTH = 1024;
const NUMBER_LIMIT = 1e15;

// Pointers are built only for errors: this runs on every event an extension sends.
function checkValue(decl: PropertyDeclaration, value: unknown, at: () => string): FieldError | undefined {
  const error = valueError(decl, value);
  return error === undefined ? undefined : { pointer: at(), message: error };
}

function valueError(decl: PropertyDeclaration, value: unknown): string | undefined {
  const type = decl.type;
  if (type === 'string') {
    if (typeof value !== 'string') { return `must be a string (declared type "string"), not ${describe(value)}`; }
    const max = decl.maxLength ?? DEFAULT_MAX_LENGTH;
    // Characters are code points; a string of at most `max` UTF-16 units has at most `max` of them.
    const length = value.length <= max ? value.length : [...value].length;
    if (length > max) { return `must be at most ${max} characters long (declared maxLength), is ${length}`; }
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') { return `must be a boolean (declared type "boolean"), not ${describe(value)}`; }
  } else {
    if (typeof value !== 'number' || !Number.isFinite(value)) { return `must be a finite number (declared type "${type}"), not ${describe(value)}`; }
    if (type === 'integer' && !Number.isInteger(value)) { return `must be an integer (declared type "integer"), not ${value}`; }
    if (decl.minimum !== undefined && value < decl.minimum) { return `must be at least ${decl.minimum} (declared minimum), is ${value}`; }
    if (decl.maximum !== undefined && value > decl.maximum) { return `must be at most ${decl.maximum} (declared maximum), is ${value}`; }
    if (Math.abs(value) > NUMBER_LIMIT) { return `must be within ±10^15 (the spec's limit), is ${value}`; }
  }
  if (decl.enum && !decl.enum.some((allowed) => allowed === value)) {
    return `must be one of ${JSON.stringify(decl.enum).slice(0, 300)} (declared enum), is ${JSON.stringify(value).slice(0, 100)}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) { return 'null'; }
  if (Array.isArray(value)) { return 'an array'; }
  if (typeof value === 'number' && !Number.isFinite(value)) { return String(value); }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function hasMembers(record: object): boolean {
  for (const _ in record) { return true; }
  return false;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) { return false; }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The properties and measurements of one event, checked against its declaration. Returns the values to
 * send (own enumerable members only, copied, so a caller cannot change them afterwards) or the errors,
 * each naming the field and the rule. `base` is where the values sit in the event (`/data`).
 */
export function checkFields(
  decl: EventDeclaration,
  input: { readonly properties?: unknown; readonly measurements?: unknown },
  base = '/data',
): { readonly ok: true; readonly properties?: Record<string, PropertyValue>; readonly measurements?: Record<string, number> }
  | { readonly ok: false; readonly errors: FieldError[] } {
  const errors: FieldError[] = [];
  let properties: Record<string, PropertyValue> | undefined;
  let measurements: Record<string, number> | undefined;

  if (input.properties !== undefined) {
    if (!isPlainRecord(input.properties)) {
      errors.push({ pointer: `${base}/properties`, message: `must be a plain object of declared properties, not ${describe(input.properties)}` });
    } else {
      // A plain object is safe here: only declared names are copied, and a declared name starts with a
      // letter (the catalogue's propertyKey), so never `__proto__`. Null-prototype objects are slow to build and copy.
      properties = {};
      for (const [name, value] of Object.entries(input.properties)) {
        const at = () => `${base}/properties/${esc(name)}`;
        const propertyDecl = Object.hasOwn(decl.properties ?? {}, name) ? decl.properties?.[name] : undefined;
        if (!propertyDecl) { errors.push({ pointer: at(), message: `is not a property declared for the event "${decl.name}" in the catalogue` }); continue; }
        if (value === undefined) { continue; }
        const error = checkValue(propertyDecl, value, at);
        if (error) { errors.push(error); } else { properties[name] = value as PropertyValue; }
      }
    }
  }
  for (const name of decl.required ?? []) {
    // Own members only: a plain object answers `constructor` or `toString` (both valid property names) from its prototype.
    if (!(properties && Object.hasOwn(properties, name)) && !errors.some((e) => e.pointer === `${base}/properties/${esc(name)}`)) {
      errors.push({ pointer: `${base}/properties/${esc(name)}`, message: `is required by the catalogue's declaration of "${decl.name}" but missing` });
    }
  }
  if (input.measurements !== undefined) {
    if (!isPlainRecord(input.measurements)) {
      errors.push({ pointer: `${base}/measurements`, message: `must be a plain object of declared measurements, not ${describe(input.measurements)}` });
    } else {
      measurements = {};
      for (const [name, value] of Object.entries(input.measurements)) {
        const at = () => `${base}/measurements/${esc(name)}`;
        if (!Object.hasOwn(decl.measurements ?? {}, name)) { errors.push({ pointer: at(), message: `is not a measurement declared for the event "${decl.name}" in the catalogue` }); continue; }
        if (value === undefined) { continue; }
        if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > NUMBER_LIMIT) {
          errors.push({ pointer: at(), message: `must be a finite number within ±10^15, not ${typeof value === 'number' ? value : describe(value)}` });
        } else { measurements[name] = value; }
      }
    }
  }
  if (errors.length > 0) { return { ok: false, errors: errors.slice(0, 16) }; }
  const result: { ok: true; properties?: Record<string, PropertyValue>; measurements?: Record<string, number> } = { ok: true };
  if (properties && hasMembers(properties)) { result.properties = properties; }
  if (measurements && hasMembers(measurements)) { result.measurements = measurements; }
  return result;
}

const identifiersOf = new WeakMap<EventDeclaration, readonly string[]>();

/** Names of the properties declared as identifiers: Candor replaces their values with keyed hashes. */
export function identifierProperties(decl: EventDeclaration): readonly string[] {
  let names = identifiersOf.get(decl);
  if (!names) {
    names = Object.entries(decl.properties ?? {}).filter(([, p]) => p?.classification === 'EndUserPseudonymizedInformation').map(([n]) => n);
    identifiersOf.set(decl, names);
  }
  return names;
}
