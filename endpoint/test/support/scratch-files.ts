// A test file's scratch database files: each in a folder of its own, removed after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** Registers the clean-up (call it at the top level of a test file) and returns a maker of fresh file paths. */
export function scratchFiles(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => { for (const dir of dirs.splice(0)) { rmSync(dir, { recursive: true, force: true }); } });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return path.join(dir, 'candor.db');
  };
}
