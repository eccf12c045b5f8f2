// Time, behind an interface: the core never reads Date.now() or arms a real timer itself, so tests drive
// backoff, batch intervals and expiry with a fake clock instead of sleeping.

export interface TimerHandle { readonly __timer?: never }

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; the timer must not keep the process alive (the editor decides when to exit). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
