// What an extension gets when it registers its catalogue: a reporter bound to that extension, which
// checks every event against the extension's own declarations and limits before it reaches the intake.
// It never throws into the caller: every outcome, including a refusal, is a TrackResult that says why.
import type { ReasonCode } from '../../../generated/types';
import type { CatalogueRegistry } from '../catalogue/registry';
import { checkFields, identifierProperties, type PropertyValue } from '../catalogue/field-check';
import type { EventInput } from '../events/event-input';
import type { EventSource, Intake, TrackResult } from '../events/intake';
import type { CandorReporter } from '../../../api/src/types';
import type { Milestones } from '../builtin/milestones';
import { stackFrames } from '../builtin/stack-frames';
import type { Clock } from '../clock';
import type { CallerLimiter } from './caller-limits';
import { jsonBytesAtMost } from '../../../protocol/json-size';

export interface UsageFields { readonly properties?: Record<string, PropertyValue>; readonly measurements?: Record<string, number> }
export interface PerformanceFields { readonly properties?: Record<string, PropertyValue> }
export interface ErrorFields { readonly properties?: Record<string, PropertyValue>; readonly fatal?: boolean }

export interface ReporterDeps {
  readonly registry: CatalogueRegistry;
  readonly intake: Intake;
  readonly limiter: CallerLimiter;
  readonly milestones: Milestones;
  readonly clock: Clock;
  /** Counts a refusal as a drop with its reason (reported in the next heartbeat). */
  readonly onRefused: (code: ReasonCode) => void;
  /** Whether consent allows events of this kind now. */
  readonly allows?: (kind: EventInput['kind']) => boolean;
}

export class Reporter implements CandorReporter {
  private disposed = false;

  constructor(private readonly source: EventSource, private readonly extensionRoot: string | undefined, private readonly deps: ReporterDeps) {}

  get extensionId(): string { return this.source.extension; }

  isEnabled(kind: 'usage' | 'performance' | 'error' | 'milestone'): boolean {
    return !this.disposed && (this.deps.allows?.(kind) ?? false);
  }

  /** A feature or command of the extension was used. */
  usage(name: string, fields: UsageFields = {}): Promise<TrackResult> {
    return this.guard(name, 'usage', (decl) => {
      const checked = checkFields(decl, fields);
      if (!checked.ok) { return checked; }
      const data: { properties?: Record<string, PropertyValue>; measurements?: Record<string, number> } = {};
      if (checked.properties) { data.properties = checked.properties; }
      if (checked.measurements) { data.measurements = checked.measurements; }
      return { ok: true, input: { kind: 'usage', name, data } };
    });
  }

  /** A measurement, in the unit the catalogue declares for the event. */
  performance(name: string, value: number, fields: PerformanceFields = {}): Promise<TrackResult> {
    return this.guard(name, 'performance', (decl) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 1e15) {
        return { ok: false, errors: [{ pointer: '/data/value', message: `must be a finite number within ±10^15, not ${String(value).slice(0, 40)}` }] };
      }
      const checked = checkFields(decl, { properties: fields.properties });
      if (!checked.ok) { return checked; }
      return { ok: true, input: { kind: 'performance', name, data: { value, unit: decl.unit ?? 'count', ...(checked.properties ? { properties: checked.properties } : {}) } } };
    });
  }

  /** A failure: its type, message and stack frames (scrubbed before they are stored), and whether it was fatal. */
  error(name: string, error: unknown, fields: ErrorFields = {}): Promise<TrackResult> {
    return this.guard(name, 'error', (decl) => {
      const checked = checkFields(decl, { properties: fields.properties });
      if (!checked.ok) { return checked; }
      const e = (error && typeof error === 'object' ? error : {}) as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown };
      const rawType = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(e.code) ? e.code : typeof e.name === 'string' ? e.name : 'Error';
      const errorType = /^[A-Za-z_$][A-Za-z0-9_$.:-]{0,127}$/.test(rawType) ? rawType : 'Error';
      const message = typeof e.message === 'string' ? e.message : typeof error === 'string' ? error : '';
      return {
        ok: true,
        input: {
          kind: 'error',
          name,
          data: {
            errorType,
            message: [...message].slice(0, 1024).join(''),
            stack: stackFrames(e.stack, this.extensionRoot),
            fatal: fields.fatal === true,
            ...(checked.properties ? { properties: checked.properties } : {}),
          },
        },
      };
    });
  }

  /** A first-time step; reported once per installation, with the time since installation. */
  milestone(name: string): Promise<TrackResult> {
    return this.guard(name, 'milestone', () => {
      const input = this.deps.milestones.reach(this.source.extension, name, this.deps.clock.now());
      return input ? { ok: true, input } : { ok: true, skip: `the milestone "${name}" was already reached by this installation` };
    });
  }

  /**
   * Sends `name` as its declaration says, routing each member of `values` to a declared property or
   * measurement. This is how calls shaped like @vscode/extension-telemetry's (name, properties,
   * measurements) and VS Code's TelemetrySender reach Candor: the catalogue, not the call, decides the kind.
   * A performance event takes its value from the one numeric member that is not a declared property.
   */
  send(name: string, values: Readonly<Record<string, unknown>> = {}, error?: unknown): Promise<TrackResult> {
    const decl = typeof name === 'string' ? this.deps.registry.declaration(this.source.extension, name) : undefined;
    if (!decl) { return this.usage(name); }
    const properties: Record<string, PropertyValue> = {};
    const measurements: Record<string, number> = {};
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values ?? {})) {
      if (value === undefined) { continue; }
      if (Object.hasOwn(decl.properties ?? {}, key)) { properties[key] = value as PropertyValue; }
      else if (Object.hasOwn(decl.measurements ?? {}, key)) { measurements[key] = value as number; }
      else { rest[key] = value; }
    }
    const props = Object.keys(properties).length > 0 ? properties : undefined;
    switch (decl.kind) {
      case 'usage':
        // Undeclared members go where their type suggests, so the refusal names them.
        for (const [k, v] of Object.entries(rest)) { if (typeof v === 'number') { measurements[k] = v; } else { properties[k] = v as PropertyValue; } }
        return this.usage(name, { properties: Object.keys(properties).length > 0 ? properties : undefined, measurements: Object.keys(measurements).length > 0 ? measurements : undefined });
      case 'performance': {
        const numbers = Object.entries(rest).filter(([, v]) => typeof v === 'number');
        if (numbers.length !== 1 || Object.keys(rest).length !== 1) {
          return Promise.resolve(this.refuse('invalid_event', `"${name}" is a performance event: give exactly one number (its value) besides its declared properties; got ${Object.keys(rest).join(', ') || 'none'}.`,
            [{ pointer: '/data/value', message: 'must be the one numeric member besides the declared properties' }]));
        }
        return this.performance(name, numbers[0]![1] as number, { properties: props });
      }
      case 'error':
        for (const [k, v] of Object.entries(rest)) { properties[k] = v as PropertyValue; }
        return this.error(name, error ?? {}, { properties: Object.keys(properties).length > 0 ? properties : undefined });
      default:
        return this.milestone(name);
    }
  }

  dispose(): void { this.disposed = true; }

  private async guard(
    name: unknown,
    kind: EventInput['kind'],
    build: (decl: NonNullable<ReturnType<CatalogueRegistry['declaration']>>) =>
      | { ok: true; input: EventInput } | { ok: true; skip: string } | { ok: false; errors: readonly import('../../../generated/types').FieldError[] },
  ): Promise<TrackResult> {
    try {
      if (this.disposed) { return this.refuse('invalid_event', 'This reporter was disposed; get a new one by registering the catalogue again.', []); }
      const ext = this.source.extension;
      const decl = typeof name === 'string' ? this.deps.registry.declaration(ext, name) : undefined;
      if (!decl) {
        const declared = this.deps.registry.catalogue(ext)?.events.map((e) => e.name) ?? [];
        return this.refuse('unregistered_event', `"${String(name).slice(0, 128)}" is not an event of ${ext}'s catalogue (declared: ${declared.slice(0, 20).join(', ') || 'none'}). Declare it in the catalogue and register again.`,
          [{ pointer: '/name', message: 'is not declared in the catalogue' }]);
      }
      if (decl.kind !== kind) {
        return this.refuse('invalid_event', `"${decl.name}" is declared as a ${decl.kind} event; report it with ${decl.kind}(), not ${kind}().`,
          [{ pointer: '/kind', message: `must be "${decl.kind}", as declared` }]);
      }
      const built = build(decl);
      if (!built.ok) {
        return this.refuse('invalid_event', `"${decl.name}" breaks its declaration: ${built.errors.map((e) => `${e.pointer} ${e.message}`).slice(0, 3).join('; ')}.`, built.errors);
      }
      if ('skip' in built) { return { status: 'notCollected', reason: built.skip }; }
      if (!this.deps.limiter.take(ext)) {
        return this.refuse('caller_rate_limited', `${ext} sent more events than its limit allows; try again in ${this.deps.limiter.retryAfterMs(ext)} ms.`, []);
      }
      const max = this.deps.limiter.maxEventBytes;
      const bytes = jsonBytesAtMost(built.input, max) <= max ? 0 : Buffer.byteLength(JSON.stringify(built.input), 'utf8');
      if (bytes > max) {
        return this.refuse('event_too_large', `"${decl.name}" is ${bytes} bytes; the limit per event is ${this.deps.limiter.maxEventBytes}. Send fewer or shorter properties.`, []);
      }
      // Only the identifiers this event carries: the intake refuses an identifier name that is not among its properties.
      const carried = (built.input.data as { properties?: Record<string, unknown> }).properties ?? {};
      const identifiers = identifierProperties(decl).filter((n) => Object.hasOwn(carried, n));
      return await this.deps.intake.track(this.source, built.input, identifiers.length > 0 ? { identifiers } : undefined);
    } catch (e) {
      // A fault of Candor must not become the caller's exception; it is Candor's error, not a drop by rule.
      return { status: 'notCollected', reason: `Candor could not record the event: ${e instanceof Error ? e.message : String(e)}`.slice(0, 512) };
    }
  }

  private refuse(code: ReasonCode, message: string, errors: readonly import('../../../generated/types').FieldError[]): TrackResult {
    this.deps.onRefused(code);
    return { status: 'refused', code, message, errors };
  }
}
