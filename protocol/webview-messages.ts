// The messages between the extension and its panel: how each side checks what the other posted. Both
// sides treat the other as untrusted, so every message is bounded in size and validated with the
// generated standalone validator (no schema is compiled at run time: the webview's CSP forbids eval)
// before anything reads it. A refused message is reported, never acted on. Each direction has its own
// small module (from-webview.ts, to-webview.ts) so that each bundle carries only the validator it needs.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FieldError } from '../generated/types';
import { toFieldErrors } from './validation-errors';

/**
 * The largest message the extension reads from the panel, counted as characters of strings and keys plus
 * a few per value. An approval of 10,000 batches (the schema's most) takes about 1.3 million.
 */
export const MAX_FROM_WEBVIEW_SIZE = 4 * 1024 * 1024;
/** The largest message the panel reads: 10,000 pending events in batches of at most 480 KB need about 10 million. */
export const MAX_TO_WEBVIEW_SIZE = 64 * 1024 * 1024;

export type Checked<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly type: string; readonly errors: readonly FieldError[] };

/**
 * Whether `value` stays within `limit` (string and key lengths, plus 8 per value). Stops as soon as the
 * budget is spent, so a huge or cyclic payload costs at most `limit` steps, not its own size.
 */
export function sizeAtMost(value: unknown, limit: number): boolean {
  let budget = limit;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    budget -= 8;
    if (typeof v === 'string') { budget -= v.length; }
    else if (Array.isArray(v)) { for (let i = 0; i < v.length && budget >= 0; i++) { stack.push(v[i]); budget -= 1; } }
    else if (v !== null && typeof v === 'object') {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) { continue; }
        budget -= k.length;
        stack.push((v as Record<string, unknown>)[k]);
        if (budget < 0) { break; }
      }
    }
    if (budget < 0) { return false; }
  }
  return true;
}

/** The message's `type`, quoted and cut short, for a log line; never the payload itself. */
export function describeType(data: unknown): string {
  const type = (data !== null && typeof data === 'object' && !Array.isArray(data)) ? (data as { type?: unknown }).type : undefined;
  if (typeof type === 'string') { return JSON.stringify(type.length > 40 ? `${type.slice(0, 40)}…` : type); }
  return data === null ? '(null)' : Array.isArray(data) ? '(an array)' : `(${typeof data}${typeof data === 'object' ? ' without a type' : ''})`;
}

export function checkMessage<T>(validate: ValidateFunction<T>, data: unknown, maxSize: number): Checked<T> {
  const type = describeType(data);
  if (!sizeAtMost(data, maxSize)) {
    return { ok: false, type, errors: [{ pointer: '', message: `is larger than the limit of ${maxSize} characters` }] };
  }
  if (validate(data)) { return { ok: true, message: data }; }
  const errors = ofMatchingShape(validate.errors ?? []);
  return { ok: false, type, errors: errors.length > 0 ? toFieldErrors(errors, '', 4) : [{ pointer: '/type', message: 'is not a known message type' }] };
}

/**
 * The messages are a `oneOf` told apart by `type`. The errors worth reporting are those of the shape whose
 * `type` matched (a state with an extra member should say so, not that it lacks a result's `requestId`);
 * none are left when no shape's `type` matched.
 */
export function ofMatchingShape(errors: readonly ErrorObject[]): ErrorObject[] {
  const branchOf = (e: ErrorObject) => /^#\/oneOf\/(\d+)\//.exec(e.schemaPath)?.[1];
  const typeErrors = errors.filter((e) => e.instancePath === '/type');
  const otherType = new Set<string | undefined>(typeErrors.map(branchOf).filter((b) => b !== undefined));
  // Errors inside a `$ref` carry the referenced schema's path, not a branch: they belong to the matching shape.
  return errors.filter((e) => e.keyword !== 'oneOf' && !otherType.has(branchOf(e)));
}

/** One line for a log: which message was refused and why, naming fields and rules, not values. */
export function refusalLine(from: string, refused: { readonly type: string; readonly errors: readonly FieldError[] }): string {
  const why = refused.errors.map((e) => `${e.pointer || '(the message)'} ${e.message}`).join('; ');
  return `Refused a message from ${from} of type ${refused.type}: ${why}. It was not acted on.`;
}
