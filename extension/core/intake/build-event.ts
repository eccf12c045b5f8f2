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

  /** The event, from an input that `checkInput` accepted. Objects are built field by field, in order (no spread, no delete: this is the hot path). */
  build(input: TrackInput, facts: EnvelopeFacts, salt: Uint8Array): CandorEvent {
    const ids = input.identifiers;
    let data: Record<string, unknown>;
    switch (input.kind) {
      case 'usage': {
        const d = input.data;
        data = {};
        if (d.properties !== undefined) { data.properties = this.properties(d.properties, ids, salt); }
        if (d.measurements !== undefined) { data.measurements = copyNumbers(d.measurements); }
        break;
      }
      case 'performance': {
        const d = input.data;
        data = { value: d.value, unit: d.unit };
        if (d.properties !== undefined) { data.properties = this.properties(d.properties, ids, salt); }
        break;
      }
      case 'error': {
        const d = input.data;
        const errorType = this.scrubber.scrub(d.errorType);
        // A type that held personal data (it happens: codes built from names) is not sent at all.
        data = { errorType: errorType === d.errorType ? d.errorType : 'ScrubbedError', message: this.text(d.message, 1024) };
        if (d.stack !== undefined) {
          data.stack = d.stack.map((f) => {
            const frame: Record<string, unknown> = {};
            if (f.function !== undefined) { frame.function = this.text(f.function, 256); }
            if (f.file !== undefined) { frame.file = clip(this.scrubber.scrubFile(wellFormed(f.file)), 256); }
            if (f.line !== undefined) { frame.line = f.line; }
            if (f.column !== undefined) { frame.column = f.column; }
            return frame;
          });
        }
        data.fatal = d.fatal;
        if (d.properties !== undefined) { data.properties = this.properties(d.properties, ids, salt); }
        break;
      }
      case 'session':
        data = input.data.durationMs === undefined ? { phase: input.data.phase } : { phase: input.data.phase, durationMs: input.data.durationMs };
        break;
      case 'heartbeat': {
        const d = input.data;
        data = { intervalMs: d.intervalMs, activeMs: d.activeMs, counters: copyNumbers(d.counters), drops: copyNumbers(d.drops) };
        break;
      }
      case 'dailyAggregate': {
        const d = input.data;
        const measurements: typeof d.measurements = {};
        for (const k of Object.keys(d.measurements)) {
          const m = d.measurements[k];
          if (m) { measurements[k] = { count: m.count, min: m.min, max: m.max, p50: m.p50, p95: m.p95, p99: m.p99 }; }
        }
        data = { day: d.day, eventName: d.eventName, eventSource: d.eventSource, count: d.count, measurements };
        break;
      }
      case 'milestone':
        data = input.data.msSincePrevious === undefined ? { msSinceInstall: input.data.msSinceInstall } : { msSinceInstall: input.data.msSinceInstall, msSincePrevious: input.data.msSincePrevious };
        break;
    }
    return {
      id: facts.id, kind: input.kind, name: input.name, timestamp: facts.timestamp, sequence: facts.sequence,
      installationId: facts.installationId, sessionId: facts.sessionId,
      source: { extension: input.source.extension, version: input.source.version },
      client: facts.client,
      data,
    } as CandorEvent;
  }
}

function copyNumbers<T extends Record<string, number | undefined>>(o: T): T {
  const out: Record<string, number> = {};
  for (const k of Object.keys(o)) { const v = o[k]; if (v !== undefined) { out[k] = v; } }
  return out as T;
}
