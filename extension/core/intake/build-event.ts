// Builds the event from a checked input: the envelope Candor fills in (id, time, sequence, installation,
// hashed session, client) and the caller's data with every free-text string scrubbed and every
// identifier hashed. Fields are written in the schema's order, so the stored line reads like the spec.
import type { CandorEvent } from '../../../generated/types';
import type { ClientFacts } from '../ports/environment';
import { hashIdentifier } from '../privacy/hasher';
import type { Scrubber } from '../privacy/scrubber';
import type { TrackInput } from './track-input';

export interface EnvelopeFacts {
  readonly id: string;
  readonly timestamp: string;
  readonly sequence: number;
  readonly installationId: string;
  /** Already hashed. */
  readonly sessionId: string;
  readonly client: ClientFacts;
}

const LONE_SURROGATE_OR_NUL = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

/**
 * A string safe for every receiver: lone surrogates (which a strict JSON reader refuses, failing the whole
 * batch) and NUL (which PostgreSQL refuses in text) become U+FFFD.
 */
export function wellFormed(s: string): string {
  LONE_SURROGATE_OR_NUL.lastIndex = 0;
  return LONE_SURROGATE_OR_NUL.test(s) ? s.replace(LONE_SURROGATE_OR_NUL, '\uFFFD') : s;
}

/** At most `max` code points, never cutting a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) { return s; }
  let out = '';
  let n = 0;
  for (const ch of s) { if (n++ >= max) { break; } out += ch; }
  return out;
}

type Props = Record<string, string | number | boolean | undefined>;

export class EventBuilder {
  constructor(private readonly scrubber: Scrubber) {}

  private text(s: string, max: number): string { return clip(this.scrubber.scrub(wellFormed(s)), max); }

  private properties(props: Props | undefined, identifiers: readonly string[] | undefined, salt: Uint8Array): Props | undefined {
    if (props === undefined) { return undefined; }
    const out: Props = {};
    for (const key of Object.keys(props)) {
      const v = props[key];
      if (v === undefined) { continue; }
      if (identifiers?.includes(key)) { out[key] = hashIdentifier(salt, String(v)); }
      else { out[key] = typeof v === 'string' ? this.text(v, 1024) : v; }
    }
    return out;
  }

  /** The event, from an input that `checkInput` accepted. */
  build(input: TrackInput, facts: EnvelopeFacts, salt: Uint8Array): CandorEvent {
    const envelope = {
      id: facts.id, kind: input.kind, name: input.name, timestamp: facts.timestamp, sequence: facts.sequence,
      installationId: facts.installationId, sessionId: facts.sessionId,
      source: { extension: input.source.extension, version: input.source.version },
      client: facts.client,
    };
    const ids = input.identifiers;
    switch (input.kind) {
      case 'usage': {
        const d = input.data;
        return { ...envelope, kind: 'usage', data: omitUndefined({ properties: this.properties(d.properties, ids, salt), measurements: d.measurements && { ...d.measurements } }) };
      }
      case 'performance': {
        const d = input.data;
        return { ...envelope, kind: 'performance', data: omitUndefined({ value: d.value, unit: d.unit, properties: this.properties(d.properties, ids, salt) }) };
      }
      case 'error': {
        const d = input.data;
        const errorType = this.scrubber.scrub(d.errorType);
        return {
          ...envelope, kind: 'error', data: omitUndefined({
            // A type that held personal data (it happens: codes built from names) is not sent at all.
            errorType: errorType === d.errorType ? d.errorType : 'ScrubbedError',
            message: this.text(d.message, 1024),
            stack: d.stack?.map((f) => omitUndefined({
              function: f.function === undefined ? undefined : this.text(f.function, 256),
              file: f.file === undefined ? undefined : clip(this.scrubber.scrubFile(wellFormed(f.file)), 256),
              line: f.line, column: f.column,
            })),
            fatal: d.fatal,
            properties: this.properties(d.properties, ids, salt),
          }),
        };
      }
      case 'session':
        return { ...envelope, kind: 'session', data: omitUndefined({ phase: input.data.phase, durationMs: input.data.durationMs }) };
      case 'heartbeat': {
        const d = input.data;
        return { ...envelope, kind: 'heartbeat', data: { intervalMs: d.intervalMs, activeMs: d.activeMs, counters: { ...d.counters }, drops: { ...d.drops } } };
      }
      case 'dailyAggregate': {
        const d = input.data;
        const measurements: typeof d.measurements = {};
        for (const [k, s] of Object.entries(d.measurements)) { if (s) { measurements[k] = { count: s.count, min: s.min, max: s.max, p50: s.p50, p95: s.p95, p99: s.p99 }; } }
        return { ...envelope, kind: 'dailyAggregate', data: { day: d.day, eventName: d.eventName, eventSource: d.eventSource, count: d.count, measurements } };
      }
      case 'milestone':
        return { ...envelope, kind: 'milestone', data: omitUndefined({ msSinceInstall: input.data.msSinceInstall, msSincePrevious: input.data.msSincePrevious }) };
    }
  }
}

function omitUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) { if (o[k] === undefined) { delete o[k]; } }
  return o;
}
