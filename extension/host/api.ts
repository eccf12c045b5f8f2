// The API that activate() returns to other extensions (api/src/types.ts): register a catalogue — the
// caller is attributed by the call's stack, here, where the editor's list of extensions is at hand — and
// get a reporter; a TelemetrySender route; consent. The registration itself (core/api/registrar.ts) is
// loaded on the first register() call.
import * as vscode from 'vscode';
import type { CandorApi as PublicApi, RegisterResult } from '../../api/src/types';
import type { EventCatalogue } from '../../generated/types';
import type { NewNameApprovals } from '../core/api/approvals';
import { attributeCaller } from '../core/api/attribution';
import type { Registrar } from '../core/api/registrar';
import type { BuiltinEvents } from '../core/builtin/builtin-events';
import type { CatalogueValidator } from '../core/catalogue/registry';
import type { ConsentState } from '../core/consent/consent';
import type { Intake } from '../core/events/intake';
import type { LazyValidators } from '../core/ports/validators';
import { systemClock } from '../node/node-environment';

/** What activate() returns: the public API, with Candor's full consent state (of which the public summary is a part). */
export interface CandorApi extends Omit<PublicApi, 'consent' | 'onDidChangeConsent'> {
  readonly consent: () => ConsentState;
  readonly onDidChangeConsent: vscode.Event<ConsentState>;
  /** The catalogues registered so far (the panel explains their fields). */
  readonly catalogues: () => EventCatalogue[];
}

export interface ApiDeps {
  readonly context: vscode.ExtensionContext;
  readonly intake: Intake;
  readonly builtins: BuiltinEvents;
  readonly validators: LazyValidators;
  readonly approvals: NewNameApprovals;
  readonly consent: () => ConsentState;
  readonly onDidChangeConsent: vscode.Event<ConsentState>;
  readonly loadRegistrar: () => typeof import('../core/api/registrar');
}

const CATALOGUES_KEY = 'candor.catalogues';
export const APPROVALS_KEY = 'candor.namesAwaitingApproval';
const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?([-+][0-9A-Za-z.-]+)?$/;

export function createApi(deps: ApiDeps): CandorApi {
  const { context } = deps;
  let registrar: Registrar | undefined;
  const getRegistrar = () => {
    if (!registrar) {
      const { Registrar: RegistrarClass } = deps.loadRegistrar();
      const stored = () => context.globalState.get<Record<string, EventCatalogue>>(CATALOGUES_KEY) ?? {};
      registrar = new RegistrarClass({
        store: { get: (id) => stored()[id], set: async (id, c) => { await context.globalState.update(CATALOGUES_KEY, { ...stored(), [id]: c }); } },
        intake: deps.intake, builtins: deps.builtins, approvals: deps.approvals, clock: systemClock, consent: deps.consent,
      });
    }
    return registrar;
  };

  return {
    apiVersion: 1,
    async register(catalogue: EventCatalogue): Promise<RegisterResult> {
      try {
        const stack = new Error().stack;
        const installed = vscode.extensions.all.map((e) => ({ id: e.id, path: e.extensionPath }));
        const callerId = attributeCaller(stack, installed, context.extensionPath);
        if (!callerId) {
          return { ok: false, message: 'Candor could not tell which extension is calling register(); call it from your extension\'s own code.', errors: [] };
        }
        const extension = vscode.extensions.getExtension(callerId);
        const version = String((extension?.packageJSON as { version?: unknown } | undefined)?.version ?? '');
        const validate = (await deps.validators.get('catalogue')) as unknown as CatalogueValidator;
        return await getRegistrar().register(catalogue, { id: callerId, version: VERSION.test(version) ? version : '0.0.0', root: extension?.extensionPath }, validate);
      } catch (error) {
        return { ok: false, message: `Candor could not register the catalogue: ${(error as Error).message}`, errors: [] };
      }
    },
    createTelemetrySender: (reporter, options) => getRegistrar().createTelemetrySender(reporter, options),
    consent: deps.consent,
    onDidChangeConsent: deps.onDidChangeConsent,
    catalogues: () => registrar?.registry.all() ?? [],
  };
}
