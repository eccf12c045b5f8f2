// Checks a caller's input before Candor builds an event from it, so that every event it stores is valid
// by construction (a property test holds this against the generated event validator). The rules are the
// schemas' rules for `data` (schemas/event/*.schema.json); they are checked here by hand because the
// generated validator of a whole event is ~75 KB, too much for the extension's startup bundle. Each
// error names the field (JSON Pointer into the event) and the rule, as protocol/validation-errors.ts words it.
import type { FieldError } from '../../../generated/types';
import { EVENT_KINDS } from '../../../generated/event-kinds';
import { REASON_CODE_NAMES } from '../../../generated/reason-code-names';

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9]*([._/-][A-Za-z0-9]+)*$/;
const EXTENSION_ID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9._-]*$/;
const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?([-+][0-9A-Za-z.-]+)?$/;
const PROPERTY_KEY = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const ERROR_TYPE = /^[A-Za-z_$][A-Za-z0-9_$.:-]*$/;
const DAY = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const NUMBER_LIMIT = 1e15;
const REASON_CODE_SET: ReadonlySet<string> = new Set(REASON_CODE_NAMES);
const UINT32 = 4294967295;

/** Code points, as JSON Schema counts string length. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { const d = s.charCodeAt(i + 1); if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; } }
  }
  return n;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

class Errors {
  readonly list: FieldError[] = [];
  add(pointer: string, message: string): void { if (this.list.length < 16) { this.list.push({ pointer, message }); } }
  string(v: unknown, at: string, rules: { pattern?: RegExp; min?: number; max?: number }): v is string {
    if (typeof v !== 'string') { this.add(at, 'must be of type string'); return false; }
    const n = codePoints(v);
    if (rules.min !== undefined && n < rules.min) { this.add(at, `must be at least ${rules.min} characters long`); return false; }
    if (rules.max !== undefined && n > rules.max) { this.add(at, `must be at most ${rules.max} characters long`); return false; }
    if (rules.pattern && !rules.pattern.test(v)) { this.add(at, `must match the pattern ${rules.pattern.source}`); return false; }
    return true;
  }
  number(v: unknown, at: string, integer: boolean, min: number, max: number): boolean {
    if (typeof v !== 'number' || !Number.isFinite(v)) { this.add(at, `must be of type ${integer ? 'integer' : 'number'}${typeof v === 'number' ? ' (finite)' : ''}`); return false; }
    if (integer && !Number.isInteger(v)) { this.add(at, 'must be of type integer'); return false; }
    if (v < min) { this.add(at, `must be at least ${min}`); return false; }
    if (v > max) { this.add(at, `must be at most ${max}`); return false; }
    return true;
  }
  fields(v: Record<string, unknown>, at: string, allowed: readonly string[], required: readonly string[]): void {
    for (const k of Object.keys(v)) { if (!allowed.includes(k)) { this.add(`${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'is not a field of this shape'); } }
    for (const k of required) { if (v[k] === undefined) { this.add(`${at}/${k}`, 'is required but missing'); } }
  }
  map(v: unknown, at: string, maxEntries: number, key: (k: string) => boolean, keyRule: string, value: (x: unknown, at: string) => void): void {
    if (!isPlainObject(v)) { this.add(at, 'must be of type object'); return; }
    const keys = Object.keys(v);
    if (keys.length > maxEntries) { this.add(at, `must have at most ${maxEntries} members`); }
    for (const k of keys) {
      const p = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!key(k)) { this.add(p, `is not an allowed member name (${keyRule})`); continue; }
      value(v[k], p);
    }
  }
}

const propertyKey = (k: string) => k.length <= 64 && PROPERTY_KEY.test(k);
const PROPERTY_KEY_RULE = 'a letter, then letters, digits, _ . or -, at most 64 characters';

function properties(e: Errors, v: unknown, at: string): void {
  e.map(v, at, 64, propertyKey, PROPERTY_KEY_RULE, (x, p) => {
    if (typeof x === 'string') { e.string(x, p, { max: 1024 }); }
    else if (typeof x === 'number') { e.number(x, p, false, -NUMBER_LIMIT, NUMBER_LIMIT); }
    else if (typeof x !== 'boolean') { e.add(p, 'must be a string, a number or a boolean'); }
  });
}

function measurements(e: Errors, v: unknown, at: string): void {
  e.map(v, at, 32, propertyKey, PROPERTY_KEY_RULE, (x, p) => { e.number(x, p, false, -NUMBER_LIMIT, NUMBER_LIMIT); });
}

function checkData(e: Errors, kind: string, d: Record<string, unknown>): void {
  const at = '/data';
  const opt = (k: string, f: (v: unknown, p: string) => void) => { if (d[k] !== undefined) { f(d[k], `${at}/${k}`); } };
  switch (kind) {
    case 'usage':
      e.fields(d, at, ['properties', 'measurements'], []);
      opt('properties', (v, p) => properties(e, v, p));
      opt('measurements', (v, p) => measurements(e, v, p));
      return;
    case 'performance':
      e.fields(d, at, ['value', 'unit', 'properties'], ['value', 'unit']);
      opt('value', (v, p) => e.number(v, p, false, -NUMBER_LIMIT, NUMBER_LIMIT));
      opt('unit', (v, p) => { if (!['ms', 'bytes', 'count', 'percent'].includes(v as string)) { e.add(p, 'must be one of ["ms","bytes","count","percent"]'); } });
      opt('properties', (v, p) => properties(e, v, p));
      return;
    case 'error':
      e.fields(d, at, ['errorType', 'message', 'stack', 'fatal', 'properties'], ['errorType', 'message', 'fatal']);
      opt('errorType', (v, p) => e.string(v, p, { min: 1, max: 128, pattern: ERROR_TYPE }));
      // Messages of any length are taken: they are shortened to 1024 characters after scrubbing.
      opt('message', (v, p) => { if (typeof v !== 'string') { e.add(p, 'must be of type string'); } });
      opt('fatal', (v, p) => { if (typeof v !== 'boolean') { e.add(p, 'must be of type boolean'); } });
      opt('stack', (v, p) => {
        if (!Array.isArray(v)) { e.add(p, 'must be of type array'); return; }
        if (v.length > 64) { e.add(p, 'must have at most 64 items'); }
        v.slice(0, 64).forEach((f, i) => {
          const fp = `${p}/${i}`;
          if (!isPlainObject(f)) { e.add(fp, 'must be of type object'); return; }
          e.fields(f, fp, ['function', 'file', 'line', 'column'], []);
          if (f.function !== undefined && typeof f.function !== 'string') { e.add(`${fp}/function`, 'must be of type string'); }
          if (f.file !== undefined && typeof f.file !== 'string') { e.add(`${fp}/file`, 'must be of type string'); }
          if (f.line !== undefined) { e.number(f.line, `${fp}/line`, true, 1, 10_000_000); }
          if (f.column !== undefined) { e.number(f.column, `${fp}/column`, true, 1, 10_000_000); }
        });
      });
      opt('properties', (v, p) => properties(e, v, p));
      return;
    case 'session':
      e.fields(d, at, ['phase', 'durationMs'], ['phase']);
      opt('phase', (v, p) => { if (v !== 'start' && v !== 'end') { e.add(p, 'must be one of ["start","end"]'); } });
      if (d.phase === 'end') {
        if (d.durationMs === undefined) { e.add(`${at}/durationMs`, 'is required but missing'); } else { e.number(d.durationMs, `${at}/durationMs`, true, 0, 31_536_000_000); }
      } else if (d.durationMs !== undefined) { e.add(`${at}/durationMs`, 'must not be present here'); }
      return;
    case 'heartbeat':
      e.fields(d, at, ['intervalMs', 'activeMs', 'counters', 'drops'], ['intervalMs', 'activeMs', 'counters', 'drops']);
      opt('intervalMs', (v, p) => e.number(v, p, true, 0, 86_400_000));
      opt('activeMs', (v, p) => e.number(v, p, true, 0, 86_400_000));
      opt('counters', (v, p) => e.map(v, p, 16, propertyKey, PROPERTY_KEY_RULE, (x, q) => e.number(x, q, true, 0, UINT32)));
      opt('drops', (v, p) => e.map(v, p, 32, (k) => REASON_CODE_SET.has(k), 'a reason code', (x, q) => e.number(x, q, true, 0, UINT32)));
      return;
    case 'dailyAggregate':
      e.fields(d, at, ['day', 'eventName', 'eventSource', 'count', 'measurements'], ['day', 'eventName', 'eventSource', 'count', 'measurements']);
      opt('day', (v, p) => e.string(v, p, { min: 10, max: 10, pattern: DAY }));
      opt('eventName', (v, p) => e.string(v, p, { min: 1, max: 128, pattern: EVENT_NAME }));
      opt('eventSource', (v, p) => e.string(v, p, { min: 3, max: 128, pattern: EXTENSION_ID }));
      opt('count', (v, p) => e.number(v, p, true, 0, UINT32));
      opt('measurements', (v, p) => e.map(v, p, 32, propertyKey, PROPERTY_KEY_RULE, (s, q) => {
        if (!isPlainObject(s)) { e.add(q, 'must be of type object'); return; }
        e.fields(s, q, ['count', 'min', 'max', 'p50', 'p95', 'p99'], ['count', 'min', 'max', 'p50', 'p95', 'p99']);
        if (s.count !== undefined) { e.number(s.count, `${q}/count`, true, 1, UINT32); }
        for (const k of ['min', 'max', 'p50', 'p95', 'p99']) { if (s[k] !== undefined) { e.number(s[k], `${q}/${k}`, false, -NUMBER_LIMIT, NUMBER_LIMIT); } }
      }));
      return;
    case 'milestone':
      e.fields(d, at, ['msSinceInstall', 'msSincePrevious'], ['msSinceInstall']);
      opt('msSinceInstall', (v, p) => e.number(v, p, true, 0, 315_360_000_000));
      opt('msSincePrevious', (v, p) => e.number(v, p, true, 0, 315_360_000_000));
      return;
  }
}

/** The problems with a caller's input, each a pointer into the event it would become and a rule; empty when it is fine. */
export function checkInput(input: unknown): FieldError[] {
  const e = new Errors();
  if (!isPlainObject(input)) { e.add('', 'must be an object with kind, name, source and data'); return e.list; }
  e.fields(input, '', ['kind', 'name', 'source', 'data', 'identifiers'], ['kind', 'name', 'source', 'data']);
  if (input.kind !== undefined && !(EVENT_KINDS as readonly unknown[]).includes(input.kind)) { e.add('/kind', `must be one of ${JSON.stringify(EVENT_KINDS)}`); }
  if (input.name !== undefined) { e.string(input.name, '/name', { min: 1, max: 128, pattern: EVENT_NAME }); }
  if (input.source !== undefined) {
    if (!isPlainObject(input.source)) { e.add('/source', 'must be of type object'); } else {
      e.fields(input.source, '/source', ['extension', 'version'], ['extension', 'version']);
      if (input.source.extension !== undefined) { e.string(input.source.extension, '/source/extension', { min: 3, max: 128, pattern: EXTENSION_ID }); }
      if (input.source.version !== undefined) { e.string(input.source.version, '/source/version', { min: 1, max: 64, pattern: VERSION }); }
    }
  }
  if (input.data !== undefined) {
    if (!isPlainObject(input.data)) { e.add('/data', 'must be of type object'); }
    else if (typeof input.kind === 'string') { checkData(e, input.kind, input.data); }
  }
  if (input.identifiers !== undefined) {
    const props = isPlainObject(input.data) && isPlainObject(input.data.properties) ? input.data.properties : {};
    if (!Array.isArray(input.identifiers) || !input.identifiers.every((k) => typeof k === 'string')) { e.add('/identifiers', 'must be an array of property names'); }
    else { for (const k of input.identifiers) { if (!Object.hasOwn(props, k)) { e.add('/identifiers', `names "${String(k).slice(0, 64)}", which is not one of data.properties`); } } }
  }
  return e.list;
}
