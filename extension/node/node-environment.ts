// Node's side of the core's small ports: real time with timers that never keep a process alive,
// process liveness for the queue's ownership, and validators loaded on first use.
import type { Clock, TimerHandle } from '../core/ports/clock';
import type { ProcessFacts } from '../core/ports/environment';
import type { LazyValidators, Validator, ValidatorName } from '../core/ports/validators';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t as unknown as TimerHandle; },
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};

export const thisProcess: ProcessFacts = {
  pid: process.pid,
  isAlive(pid: number): boolean {
    try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  },
};

/** Validators from `load` (a `require` of a lazy chunk, or of the generated module in tests), each loaded once. */
export function lazyValidators(load: (name: ValidatorName) => unknown): LazyValidators {
  const cache = new Map<ValidatorName, Validator<unknown>>();
  return {
    async get<T>(name: ValidatorName): Promise<Validator<T>> {
      let v = cache.get(name);
      if (!v) {
        const mod = load(name) as { default?: unknown };
        const fn = (typeof mod === 'function' ? mod : mod.default) as Validator<unknown> | undefined;
        if (typeof fn !== 'function') { throw new Error(`the validator "${name}" did not load`); }
        v = fn;
        cache.set(name, v);
      }
      return v as Validator<T>;
    },
  };
}
