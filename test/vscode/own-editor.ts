// For the tests that start an editor of their own (not the in-host suite): they wait on facts that other
// processes bring about, and keep a list of what to undo, which `teardown` runs whatever happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Polls `check` until it returns a value (a fact that another process brings about), or fails after `ms`. */
export async function until<T>(what: string, check: () => T | undefined, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) { return value; }
    if (Date.now() > deadline) { throw new Error(`timed out waiting for ${what}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A scratch folder, removed with the run's other cleanups. */
export function scratch(prefix: string, cleanups: (() => unknown)[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
