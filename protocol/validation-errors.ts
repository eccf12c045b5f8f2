// Turns a generated validator's errors into what the protocol reports (JSON Pointers and messages that
// name the field and the rule) and into the reason code of a refused event. The standalone validators
// carry no message strings, so the wording lives here, the same for the endpoint and the extension.
import type { ErrorObject } from 'ajv';
import type { FieldError, ReasonCode } from '../generated/types';
import { EVENT_KINDS } from '../generated/event-kinds';

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where the error is: for a missing or extra member, that member's own place. */
export function errorPointer(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) { return `${e.instancePath}/${esc(e.propertyName)}`; }
  if (e.keyword === 'required') { return `${e.instancePath}/${esc(String(p.missingProperty))}`; }
  if (e.keyword === 'additionalProperties') { return `${e.instancePath}/${esc(String(p.additionalProperty))}`; }
  if (e.keyword === 'unevaluatedProperties') { return `${e.instancePath}/${esc(String(p.unevaluatedProperty))}`; }
  return e.instancePath;
}

const quote = (v: unknown) => JSON.stringify(v)?.slice(0, 200) ?? String(v);

/** A message for a developer: what rule the value at the pointer breaks. */
export function errorMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return 'is required but missing';
    case 'additionalProperties':
    case 'unevaluatedProperties': return 'is not a field of this shape';
    case 'type': return `must be of type ${String(p.type)}`;
    case 'const': return `must be ${quote(p.allowedValue)}`;
    case 'enum': return `must be one of ${quote(p.allowedValues)}`;
    case 'pattern': return `must match the pattern ${String(p.pattern)}`;
    case 'maxLength': return `must be at most ${String(p.limit)} characters long`;
    case 'minLength': return `must be at least ${String(p.limit)} characters long`;
    case 'maximum': return `must be at most ${String(p.limit)}`;
    case 'minimum': return `must be at least ${String(p.limit)}`;
    case 'exclusiveMaximum': return `must be less than ${String(p.limit)}`;
    case 'exclusiveMinimum': return `must be more than ${String(p.limit)}`;
    case 'maxItems': return `must have at most ${String(p.limit)} items`;
    case 'minItems': return `must have at least ${String(p.limit)} items`;
    case 'uniqueItems': return `must not repeat items (items ${String(p.j)} and ${String(p.i)} are the same)`;
    case 'maxProperties': return `must have at most ${String(p.limit)} members`;
    case 'minProperties': return `must have at least ${String(p.limit)} members`;
    case 'propertyNames': return 'is not an allowed member name';
    case 'multipleOf': return `must be a multiple of ${String(p.multipleOf)}`;
    case 'not': return 'must not be present here';
    case 'oneOf': return 'must match exactly one of the allowed shapes';
    case 'anyOf': return 'must match one of the allowed shapes';
    default: return `breaks the rule "${e.keyword}"`;
  }
}

/** Keywords that only say "a sub-schema failed"; the leaf errors say why. */
const STRUCTURAL = new Set(['if', 'then', 'else', 'allOf', '$ref']);

/**
 * The errors as `{pointer, message}`, pointers prefixed by `base` (the place of the validated value in
 * the request body), without structural repeats, at most `limit`.
 */
export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined, base = '', limit = 16): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (STRUCTURAL.has(e.keyword)) { continue; }
    // A name that breaks `propertyNames` is reported once, by the name's own rule.
    if (e.keyword === 'propertyNames') { continue; }
    const pointer = `${base}${errorPointer(e)}`;
    const message = errorMessage(e);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) { continue; }
    seen.add(key);
    out.push({ pointer: pointer.slice(0, 512), message });
    if (out.length >= limit) { break; }
  }
  if (out.length === 0 && errors && errors.length > 0) {
    out.push({ pointer: base, message: errorMessage(errors[0]!) });
  }
  return out;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

/**
 * The reason code of an event the event schema refused (PROTOCOL.md §2): `unknown_kind` for a kind string
 * this receiver does not know, `unknown_field` when every error is a member the schema does not define,
 * else `invalid_event`.
 */
export function refusalCode(event: unknown, errors: readonly ErrorObject[]): ReasonCode {
  const kind = (event as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && !KNOWN_KINDS.has(kind)) { return 'unknown_kind'; }
  const leaves = errors.filter((e) => !STRUCTURAL.has(e.keyword));
  if (leaves.length > 0 && leaves.every((e) => e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties')) {
    return 'unknown_field';
  }
  return 'invalid_event';
}
