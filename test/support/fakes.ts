// Small fakes and the test wiring of a whole pipeline.
import { createRequire } from 'node:module';
import path from 'node:path';
import { EXTENSION_VALIDATORS } from '../../scripts/validator-sources.mjs';
import type { ClientFacts, ProcessFacts } from '../../extension/core/ports/environment';
import type { Secrets } from '../../extension/core/ports/secrets';
import type { LazyValidators, Validator, ValidatorName } from '../../extension/core/ports/validators';

const require = createRequire(import.meta.url);

export class FakeSecrets implements Secrets {
  readonly values = new Map<string, string>();
  async get(key: string) { return this.values.get(key); }
  async store(key: string, value: string) { this.values.set(key, value); }
  async delete(key: string) { this.values.delete(key); }
}

/** The file of each validator the extension loads (lean or full, as scripts/validator-sources.mjs says). */
export const validatorFile = (name: ValidatorName): string => path.resolve(__dirname, '../..', EXTENSION_VALIDATORS[name]!);

/** The generated validators the extension ships, loaded the way its lazy chunks load them. */
export const generatedValidators: LazyValidators & { loaded: Set<string> } = {
  loaded: new Set<string>(),
  async get<T>(name: ValidatorName): Promise<Validator<T>> {
    generatedValidators.loaded.add(name);
    return require(validatorFile(name)) as Validator<T>;
  },
};

export function validatorFor<T>(stem: string): Validator<T> {
  return require(`../../generated/validators/${stem}.cjs`) as Validator<T>;
}

export const TEST_CLIENT: ClientFacts = { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' };

export const aliveProcess = (pid = 4242): ProcessFacts & { dead: Set<number> } => {
  const dead = new Set<number>();
  return { pid, dead, isAlive: (p: number) => !dead.has(p) };
};

/** The lazy parts of the core, imported directly (the extension loads them from dist/lazy/). */
export const directModules = {
  rights: () => import('../../extension/core/rights/data-rights'),
  panel: () => import('../../extension/core/view/pipeline-panel'),
  recovery: () => import('../../extension/core/queue/recovery'),
};
