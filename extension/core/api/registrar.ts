// Registration, once the caller is known: the catalogue is checked and kept, its new names wait for
// approval, and the caller gets a reporter whose events go through Candor's intake. Loaded on the first
// register() call (dist/lazy/api.js): an editor where no extension uses Candor never loads it.
import type { RegisterResult, TelemetrySenderLike, TrackResult } from '../../../api/src/types';
import type { EventCatalogue } from '../../../generated/types';
import { toFieldErrors } from '../../../protocol/validation-errors';
import type { BuiltinEvents } from '../builtin/builtin-events';
import { CatalogueRegistry, type CatalogueStore, type CatalogueValidator } from '../catalogue/registry';
import type { Clock } from '../clock';
import { allowsKind, type ConsentState } from '../consent/consent';
import type { Intake } from '../events/intake';
import type { NewNameApprovals } from './approvals';
import { CallerLimiter } from './caller-limits';
import { Reporter } from './reporter';
import { createSender } from './telemetry-sender';

export interface RegistrarDeps {
  readonly store: CatalogueStore;
  readonly intake: Intake;
  readonly builtins: BuiltinEvents;
  readonly approvals: NewNameApprovals;
  readonly clock: Clock;
  readonly consent: () => ConsentState;
}

export interface Caller { readonly id: string; readonly version: string; readonly root: string | undefined }

export class Registrar {
  readonly registry: CatalogueRegistry;
  private readonly limiter: CallerLimiter;
  private readonly reporters = new WeakSet<object>();

  constructor(private readonly deps: RegistrarDeps) {
    this.registry = new CatalogueRegistry(deps.store, (errors) => toFieldErrors(errors));
    this.limiter = new CallerLimiter(deps.clock);
  }

  async register(catalogue: EventCatalogue, caller: Caller, validate: CatalogueValidator): Promise<RegisterResult> {
    const registration = await this.registry.register(catalogue, caller.id, validate);
    if (!registration.ok) { return registration; }
    this.deps.approvals.added(caller.id, registration.newEventNames);
    const { builtins } = this.deps;
    const reporter = new Reporter({ extension: caller.id, version: caller.version }, caller.root, {
      registry: this.registry, intake: this.deps.intake, limiter: this.limiter, milestones: builtins.milestones, clock: this.deps.clock,
      onRefused: (code) => builtins.dropped(code),
      allows: (kind) => allowsKind(this.deps.consent(), kind),
    });
    this.reporters.add(reporter);
    return { ok: true, reporter, newEventNames: registration.newEventNames };
  }

  createTelemetrySender(reporter: object, options?: { errorEvent?: string; onResult?: (result: TrackResult, eventName: string) => void }): TelemetrySenderLike {
    if (!this.reporters.has(reporter)) { throw new Error('createTelemetrySender needs a reporter that register() returned.'); }
    const r = reporter as Reporter;
    const errorEvent = this.registry.catalogue(r.extensionId)?.events.find((e) => e.kind === 'error')?.name;
    return createSender(r, r.extensionId, errorEvent, options ?? {});
  }
}
