// The catalogues extensions register: checked against the spec's catalogue schema and the rules a schema
// cannot express, attributed to the extension that registers, and compared with what that extension
// declared before so that new event names wait for the user's approval before their first delivery.
import type { EventCatalogue, EventDeclaration, FieldError } from '../../../generated/types';

/** The generated catalogue validator, passed in so that it is loaded only when a catalogue arrives. */
export interface CatalogueValidator {
  (data: unknown): boolean;
  errors?: readonly import('ajv').ErrorObject[] | null;
}

/** Catalogues as last registered, kept across sessions (the host stores them in global state). */
export interface CatalogueStore {
  get(extensionId: string): EventCatalogue | undefined;
  set(extensionId: string, catalogue: EventCatalogue): Promise<void>;
}

export type Registration =
  | { readonly ok: true; readonly catalogue: EventCatalogue; readonly newEventNames: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly errors: readonly FieldError[] };

/** Kinds that only Candor reports about itself. */
const CANDOR_ONLY_KINDS = new Set(['session', 'heartbeat', 'dailyAggregate']);
export const CANDOR_EXTENSION_ID = 'candor.candor';

export class CatalogueRegistry {
  private readonly active = new Map<string, { catalogue: EventCatalogue; byName: Map<string, EventDeclaration> }>();

  constructor(
    private readonly store: CatalogueStore,
    private readonly toFieldErrors: (errors: readonly import('ajv').ErrorObject[] | null | undefined) => FieldError[],
  ) {}

  /**
   * Registers `catalogue` for `callerId`, the extension the host attributed the call to. Re-registering
   * replaces the previous catalogue of the same extension.
   */
  async register(catalogue: unknown, callerId: string, validate: CatalogueValidator): Promise<Registration> {
    if (!validate(catalogue)) {
      const errors = this.toFieldErrors(validate.errors);
      return refuse(`The catalogue is not valid: ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).slice(0, 3).join('; ')}.`, errors);
    }
    const valid = structuredClone(catalogue as EventCatalogue);
    if (valid.extension !== callerId.toLowerCase()) {
      return refuse(`The catalogue names the extension "${valid.extension}", but it was registered by "${callerId}". An extension registers only its own events.`,
        [{ pointer: '/extension', message: `must be "${callerId.toLowerCase()}", the id of the registering extension` }]);
    }
    const errors = semanticErrors(valid, callerId.toLowerCase() === CANDOR_EXTENSION_ID);
    if (errors.length > 0) {
      return refuse(`The catalogue is not valid: ${errors.map((e) => `${e.pointer} ${e.message}`).slice(0, 3).join('; ')}.`, errors);
    }
    const previous = this.store.get(valid.extension);
    const known = new Set(previous?.events.map((e) => e.name) ?? []);
    // The first catalogue of an extension is what the user agreed to by enabling Candor; later additions wait.
    const newEventNames = previous ? valid.events.map((e) => e.name).filter((n) => !known.has(n)) : [];
    this.active.set(valid.extension, { catalogue: valid, byName: new Map(valid.events.map((e) => [e.name, e])) });
    await this.store.set(valid.extension, valid);
    return { ok: true, catalogue: valid, newEventNames };
  }

  declaration(extensionId: string, eventName: string): EventDeclaration | undefined {
    return this.active.get(extensionId)?.byName.get(eventName);
  }

  catalogue(extensionId: string): EventCatalogue | undefined {
    return this.active.get(extensionId)?.catalogue;
  }

  /** Every registered catalogue, for the preview's explanations and the consent screen. */
  all(): EventCatalogue[] {
    return [...this.active.values()].map((a) => a.catalogue);
  }

  unregister(extensionId: string): void {
    this.active.delete(extensionId);
  }
}

function refuse(message: string, errors: readonly FieldError[]): Registration {
  return { ok: false, message, errors };
}

/** What the schema cannot say: unique names, required names that exist, enums of the declared type, sane ranges. */
function semanticErrors(catalogue: EventCatalogue, isCandor: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  catalogue.events.forEach((event, i) => {
    const at = `/events/${i}`;
    const first = seen.get(event.name);
    if (first !== undefined) { errors.push({ pointer: `${at}/name`, message: `repeats the event name "${event.name}" of /events/${first}` }); }
    seen.set(event.name, i);
    if (!isCandor && CANDOR_ONLY_KINDS.has(event.kind)) {
      errors.push({ pointer: `${at}/kind`, message: `"${event.kind}" events are reported by Candor itself; declare usage, performance, error or milestone events` });
    }
    if (event.kind === 'performance' && !event.unit) { errors.push({ pointer: `${at}/unit`, message: 'is required for a performance event (ms, bytes, count or percent)' }); }
    if (event.kind !== 'performance' && event.unit) { errors.push({ pointer: `${at}/unit`, message: 'is only for performance events' }); }
    for (const name of event.required ?? []) {
      if (!event.properties?.[name]) { errors.push({ pointer: `${at}/required`, message: `names "${name}", which is not a declared property` }); }
    }
    for (const [name, p] of Object.entries(event.properties ?? {})) {
      if (!p) { continue; }
      const pat = `${at}/properties/${name}`;
      const numeric = p.type === 'number' || p.type === 'integer';
      if (p.enum?.some((v) => (numeric ? typeof v !== 'number' || (p.type === 'integer' && !Number.isInteger(v)) : typeof v !== p.type))) {
        errors.push({ pointer: `${pat}/enum`, message: `must hold only values of the declared type "${p.type}"` });
      }
      if (p.maxLength !== undefined && p.type !== 'string') { errors.push({ pointer: `${pat}/maxLength`, message: 'applies only to string properties' }); }
      if ((p.minimum !== undefined || p.maximum !== undefined) && !numeric) { errors.push({ pointer: `${pat}/minimum`, message: 'minimum and maximum apply only to number properties' }); }
      if (p.minimum !== undefined && p.maximum !== undefined && p.minimum > p.maximum) { errors.push({ pointer: `${pat}/minimum`, message: `must not exceed maximum (${p.maximum})` }); }
      if (p.classification === 'EndUserPseudonymizedInformation' && p.type !== 'string') {
        errors.push({ pointer: `${pat}/type`, message: 'must be "string" for an identifier (EndUserPseudonymizedInformation), which Candor replaces with a keyed hash' });
      }
      if (p.classification === 'EndUserPseudonymizedInformation' && p.enum) {
        errors.push({ pointer: `${pat}/enum`, message: 'makes no sense for an identifier, whose value is replaced by a hash' });
      }
    }
    if (event.properties && event.kind === 'milestone') {
      errors.push({ pointer: `${at}/properties`, message: 'are not allowed on a milestone event, which carries only its timing' });
    }
    if (event.measurements && event.kind !== 'usage') {
      errors.push({ pointer: `${at}/measurements`, message: `are only for usage events (a ${event.kind} event has no measurements map)` });
    }
  });
  return errors.slice(0, 16);
}
